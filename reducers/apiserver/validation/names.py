"""Generic validation of names, labels, annotations, ports and object metadata.

Models (release v1.34, module k8s.io/apimachinery):
- pkg/util/validation/validation.go: IsQualifiedName, IsValidLabelValue, IsDNS1123Label,
  IsDNS1123Subdomain, IsDNS1123SubdomainWithUnderscore, IsDNS1035Label,
  IsWildcardDNS1123Subdomain, IsCIdentifier, IsValidPortNum, IsInRange, IsValidGroupID,
  IsValidUserID, IsValidPortName, IsValidPercent, IsHTTPHeaderName, IsEnvVarName,
  IsRelaxedEnvVarName, IsConfigMapKey, IsFullyQualifiedName, IsFullyQualifiedDomainName,
  IsDomainPrefixedPath and the message builders MaxLenError, RegexError, EmptyError,
  InclusiveRangeError.
- pkg/util/validation/ip.go: IsValidIP, IsValidIPForLegacyField.
- pkg/api/validation/generic.go: NameIsDNSSubdomain, NameIsDNSLabel, NameIsDNS1035Label,
  ValidateNamespaceName, ValidateServiceAccountName, maskTrailingDash, ValidateNonnegativeField.
- pkg/api/validation/objectmeta.go: ValidateAnnotations (with the 256 KiB total size rule),
  ValidateOwnerReferences (BannedOwners), ValidateFinalizerName, ValidateFinalizers,
  ValidateNoNewFinalizers, ValidateImmutableField, ValidateObjectMeta(Accessor).
- pkg/apis/meta/v1/validation/validation.go: ValidateLabelName, ValidateLabels.

Simplifies: string lengths are counted in UTF-8 bytes, as Go's len() does. Go iterates labels and
annotations in random map order; here they are checked in the mapping's own order. Field paths are
plain strings joined with '.'. `metadata.managedFields` is not validated, and neither is
ValidateObjectMetaUpdate (it needs timestamps and resource versions of the real metadata class).
`meta.generation` is read when the object has one and counts as 0 otherwise. The sloppy IP parser
accepts what Go's ParseIPSloppy does for plain IPv4 and IPv6, except that an IPv4 tail with leading
zeros inside an IPv6 address is rejected outright. Errors carry no `origin`.

Covered by: tests/test_validation_names.py (ports TestIsDNS1123Label, TestIsDNS1123Subdomain,
TestIsDNS1035Label, TestIsCIdentifier, TestIsValidPortNum, TestIsInRange, TestIsValidGroupID,
TestIsValidUserID, TestIsValidPortName, TestIsQualifiedName, TestIsValidLabelValue,
TestIsHTTPHeaderName, TestIsValidPercent, TestIsConfigMapKey, TestIsWildcardDNS1123Subdomain,
TestIsFullyQualifiedDomainName, TestIsFullyQualifiedName, TestIsDomainPrefixedPath,
TestIsRelaxedEnvVarName, TestIsDNS1123SubdomainWithUnderscore, TestIsValidIP, TestMaskTrailingDash,
TestValidateObjectMetaCustomName, TestValidateObjectMetaNamespaces,
TestValidateObjectMetaOwnerReferences, TestValidateFinalizersUpdate,
TestValidateFinalizersPreventConflictingFinalizers, TestValidateObjectMetaTrimsTrailingSlash,
TestValidateAnnotations).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs

from kubefold.core.errors import TOO_LONG, FieldError, forbidden, invalid, required

NameFn = Callable[[str, bool], list[str]]
"""ValidateNameFunc: (name, prefix) -> messages; prefix is true for a generateName."""

# ---------------------------------------------------------------------------------------------
# Message builders


def max_len_error(length: int) -> str:
    """MaxLenError."""
    return f"must be no more than {length} characters"


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """RegexError: the message, the examples and the regex used."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    shown = " or ".join(f"'{e}', " for e in examples)
    return f"{msg} (e.g. {shown}regex used for validation is '{fmt}')"


def empty_error() -> str:
    """EmptyError."""
    return "must be non-empty"


def inclusive_range_error(lo: int, hi: int) -> str:
    """InclusiveRangeError."""
    return f"must be between {lo} and {hi}, inclusive"


def _blen(value: str) -> int:
    """Go's len(): the length in UTF-8 bytes."""
    return len(value.encode("utf-8", "surrogatepass"))


def _memoized(check: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    """A pure check of one string whose messages are kept per string (the same labels and
    names are validated on every write): a fresh list each call."""
    cached = functools.lru_cache(maxsize=4096)(lambda value: tuple(check(value)))

    @functools.wraps(check)
    def memoized(value: str) -> list[str]:
        return list(cached(value)) if type(value) is str else check(value)
    return memoized


def _matches(pattern: re.Pattern[str], value: str) -> bool:
    """regexp.MatchString against a pattern anchored with ^...$ (fullmatch, so no '\\n' slack)."""
    return pattern.fullmatch(value) is not None


# ---------------------------------------------------------------------------------------------
# Qualified names and label values

_QNAME_CHAR_FMT = "[A-Za-z0-9]"
_QNAME_EXT_CHAR_FMT = "[-A-Za-z0-9_.]"
QUALIFIED_NAME_FMT = "(" + _QNAME_CHAR_FMT + _QNAME_EXT_CHAR_FMT + "*)?" + _QNAME_CHAR_FMT
_QUALIFIED_NAME_ERR_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
QUALIFIED_NAME_MAX_LENGTH = 63
_QUALIFIED_NAME_RE = re.compile(QUALIFIED_NAME_FMT)


@_memoized
def is_qualified_name(value: str) -> list[str]:
    """IsQualifiedName: an optional DNS subdomain prefix and '/', then a name of at most 63."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part " + empty_error())
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix))
    else:
        return [
            "a qualified name "
            + _qualified_name_regex_error()
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part " + empty_error())
    elif _blen(name) > QUALIFIED_NAME_MAX_LENGTH:
        errs.append("name part " + max_len_error(QUALIFIED_NAME_MAX_LENGTH))
    if not _matches(_QUALIFIED_NAME_RE, name):
        errs.append("name part " + _qualified_name_regex_error())
    return errs


def _qualified_name_regex_error() -> str:
    return regex_error(_QUALIFIED_NAME_ERR_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")


LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?"
_LABEL_VALUE_ERR_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
LABEL_VALUE_MAX_LENGTH = 63
_LABEL_VALUE_RE = re.compile(LABEL_VALUE_FMT)


@_memoized
def is_valid_label_value(value: str) -> list[str]:
    """IsValidLabelValue: empty, or at most 63 of [-A-Za-z0-9_.] with alphanumeric ends."""
    errs: list[str] = []
    if _blen(value) > LABEL_VALUE_MAX_LENGTH:
        errs.append(max_len_error(LABEL_VALUE_MAX_LENGTH))
    if not _matches(_LABEL_VALUE_RE, value):
        errs.append(
            regex_error(_LABEL_VALUE_ERR_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345")
        )
    return errs


# ---------------------------------------------------------------------------------------------
# DNS names

DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_FMT_WITH_UNDERSCORE = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_ERR_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
DNS1123_LABEL_MAX_LENGTH = 63
_DNS1123_LABEL_RE = re.compile(DNS1123_LABEL_FMT)

DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_ERR_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'-' or '.', and must start and end with an alphanumeric character"
)
_DNS1123_SUBDOMAIN_FMT_WITH_UNDERSCORE = (
    _DNS1123_LABEL_FMT_WITH_UNDERSCORE + "(\\." + _DNS1123_LABEL_FMT_WITH_UNDERSCORE + ")*"
)
_DNS1123_SUBDOMAIN_ERR_MSG_FG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'_', '-' or '.', and must start and end with an alphanumeric character"
)
DNS1123_SUBDOMAIN_MAX_LENGTH = 253
_DNS1123_SUBDOMAIN_RE = re.compile(DNS1123_SUBDOMAIN_FMT)
_DNS1123_SUBDOMAIN_WITH_UNDERSCORE_RE = re.compile(_DNS1123_SUBDOMAIN_FMT_WITH_UNDERSCORE)

DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_LABEL_ERR_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
    "start with an alphabetic character, and end with an alphanumeric character"
)
DNS1035_LABEL_MAX_LENGTH = 63
_DNS1035_LABEL_RE = re.compile(DNS1035_LABEL_FMT)

_WILDCARD_DNS1123_SUBDOMAIN_FMT = "\\*\\." + DNS1123_SUBDOMAIN_FMT
_WILDCARD_DNS1123_SUBDOMAIN_ERR_MSG = (
    "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, "
    "which must consist of lower case alphanumeric characters, '-' or '.' "
    "and end with an alphanumeric character"
)
_WILDCARD_DNS1123_SUBDOMAIN_RE = re.compile(_WILDCARD_DNS1123_SUBDOMAIN_FMT)


@_memoized
def is_dns1123_label(value: str) -> list[str]:
    """IsDNS1123Label: at most 63 of [-a-z0-9], alphanumeric at both ends."""
    errs: list[str] = []
    if _blen(value) > DNS1123_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_LABEL_MAX_LENGTH))
    if not _matches(_DNS1123_LABEL_RE, value):
        if _matches(_DNS1123_SUBDOMAIN_RE, value):
            # A valid subdomain but not a label: with the length checked, it must be the dots.
            errs.append("must not contain dots")
        else:
            errs.append(
                regex_error(_DNS1123_LABEL_ERR_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc")
            )
    return errs


@_memoized
def is_dns1123_subdomain(value: str) -> list[str]:
    """IsDNS1123Subdomain: at most 253, dot-separated DNS-1123 labels."""
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _matches(_DNS1123_SUBDOMAIN_RE, value):
        errs.append(regex_error(_DNS1123_SUBDOMAIN_ERR_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_dns1123_subdomain_with_underscore(value: str) -> list[str]:
    """IsDNS1123SubdomainWithUnderscore: a subdomain whose labels may hold '_'."""
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _matches(_DNS1123_SUBDOMAIN_WITH_UNDERSCORE_RE, value):
        errs.append(
            regex_error(
                _DNS1123_SUBDOMAIN_ERR_MSG_FG, _DNS1123_SUBDOMAIN_FMT_WITH_UNDERSCORE, "example.com"
            )
        )
    return errs


def is_dns1035_label(value: str) -> list[str]:
    """IsDNS1035Label: at most 63 of [-a-z0-9], starting with a letter."""
    errs: list[str] = []
    if _blen(value) > DNS1035_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1035_LABEL_MAX_LENGTH))
    if not _matches(_DNS1035_LABEL_RE, value):
        errs.append(regex_error(_DNS1035_LABEL_ERR_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    """IsWildcardDNS1123Subdomain: '*.' followed by a DNS-1123 subdomain."""
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _matches(_WILDCARD_DNS1123_SUBDOMAIN_RE, value):
        errs.append(
            regex_error(
                _WILDCARD_DNS1123_SUBDOMAIN_ERR_MSG,
                _WILDCARD_DNS1123_SUBDOMAIN_FMT,
                "*.example.com",
            )
        )
    return errs


def is_fully_qualified_name(path: str, name: str) -> list[FieldError]:
    """IsFullyQualifiedName: a subdomain of at least three segments, no trailing dot."""
    if not name:
        return [required(path)]
    errs = is_dns1123_subdomain(name)
    if errs:
        return [invalid(path, name, ",".join(errs))]
    if len(name.split(".")) < 3:
        detail = "should be a domain with at least three segments separated by dots"
        return [invalid(path, name, detail)]
    return []


def is_fully_qualified_domain_name(path: str, name: str) -> list[FieldError]:
    """IsFullyQualifiedDomainName: a subdomain of at least two labels; a trailing dot is allowed."""
    if not name:
        return [required(path)]
    name = name.removesuffix(".")
    errs = is_dns1123_subdomain(name)
    if errs:
        return [invalid(path, name, ",".join(errs))]
    labels = name.split(".")
    if len(labels) < 2:
        detail = "should be a domain with at least two segments separated by dots"
        return [invalid(path, name, detail)]
    for label in labels:
        errs = is_dns1123_label(label)
        if errs:
            return [invalid(path, label, ",".join(errs))]
    return []


_HTTP_PATH_FMT = r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+"
_HTTP_PATH_RE = re.compile(_HTTP_PATH_FMT)


def is_domain_prefixed_path(path: str, dp_path: str) -> list[FieldError]:
    """IsDomainPrefixedPath: a DNS subdomain, '/', and RFC 3986 path characters."""
    if not dp_path:
        return [required(path)]
    segments = dp_path.split("/", 1)
    if len(segments) != 2 or not segments[0] or not segments[1]:
        return [invalid(path, dp_path, 'must be a domain-prefixed path (such as "acme.io/foo")')]
    host, rest = segments
    errs = [invalid(path, host, m) for m in is_dns1123_subdomain(host)]
    if not _matches(_HTTP_PATH_RE, rest):
        errs.append(invalid(path, rest, regex_error("Invalid path", _HTTP_PATH_FMT)))
    return errs


# ---------------------------------------------------------------------------------------------
# Identifiers, numbers, ports and other small formats

_C_IDENTIFIER_FMT = "[A-Za-z_][A-Za-z0-9_]*"
_C_IDENTIFIER_ERR_MSG = (
    "a valid C identifier must start with alphabetic character or '_', "
    "followed by a string of alphanumeric characters or '_'"
)
_C_IDENTIFIER_RE = re.compile(_C_IDENTIFIER_FMT)


def is_c_identifier(value: str) -> list[str]:
    """IsCIdentifier: the format of a C identifier (length is not checked)."""
    if _matches(_C_IDENTIFIER_RE, value):
        return []
    return [regex_error(_C_IDENTIFIER_ERR_MSG, _C_IDENTIFIER_FMT, "my_name", "MY_NAME", "MyName")]


def is_valid_port_num(port: int) -> list[str]:
    """IsValidPortNum: 1..65535."""
    return is_in_range(port, 1, 65535)


def is_in_range(value: int, lo: int, hi: int) -> list[str]:
    """IsInRange: lo <= value <= hi."""
    return [] if lo <= value <= hi else [inclusive_range_error(lo, hi)]


_MAX_ID = 2**31 - 1  # math.MaxInt32: the libcontainer UID/GID limit.


def is_valid_group_id(gid: int) -> list[str]:
    """IsValidGroupID: 0..MaxInt32."""
    return is_in_range(gid, 0, _MAX_ID)


def is_valid_user_id(uid: int) -> list[str]:
    """IsValidUserID: 0..MaxInt32."""
    return is_in_range(uid, 0, _MAX_ID)


_PORT_NAME_CHARSET_RE = re.compile("[-a-z0-9]+")
_PORT_NAME_ONE_LETTER_RE = re.compile("[a-z]")


def is_valid_port_name(port: str) -> list[str]:
    """IsValidPortName: an IANA_SVC_NAME, at most 15 of [-a-z0-9] with a letter."""
    errs: list[str] = []
    if _blen(port) > 15:
        errs.append(max_len_error(15))
    if not _matches(_PORT_NAME_CHARSET_RE, port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if _PORT_NAME_ONE_LETTER_RE.search(port) is None:
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


_PERCENT_FMT = "[0-9]+%"
_PERCENT_RE = re.compile(_PERCENT_FMT)


def is_valid_percent(percent: str) -> list[str]:
    """IsValidPercent: digits followed by '%'."""
    if _matches(_PERCENT_RE, percent):
        return []
    msg = "a valid percent string must be a numeric string followed by an ending '%'"
    return [regex_error(msg, _PERCENT_FMT, "1%", "93%")]


_HTTP_HEADER_NAME_FMT = "[-A-Za-z0-9]+"
_HTTP_HEADER_NAME_RE = re.compile(_HTTP_HEADER_NAME_FMT)


def is_http_header_name(value: str) -> list[str]:
    """IsHTTPHeaderName: alphanumerics and '-'."""
    if _matches(_HTTP_HEADER_NAME_RE, value):
        return []
    msg = "a valid HTTP header must consist of alphanumeric characters or '-'"
    return [regex_error(msg, _HTTP_HEADER_NAME_FMT, "X-Header-Name")]


_ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
_ENV_VAR_NAME_RE = re.compile(_ENV_VAR_NAME_FMT)
_ENV_VAR_NAME_ERR_MSG = (
    "a valid environment variable name must consist of alphabetic characters, digits, "
    "'_', '-', or '.', and must not start with a digit"
)
_RELAXED_ENV_VAR_NAME_ERR_MSG = (
    "a valid environment variable name must consist only of printable ASCII characters "
    "other than '='"
)


def _has_chdir_prefix(value: str) -> list[str]:
    """hasChDirPrefix: '.', '..' and a leading '..' are refused."""
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def is_env_var_name(value: str) -> list[str]:
    """IsEnvVarName: the strict C-like form (letters, digits, '_', '-', '.')."""
    errs: list[str] = []
    if not _matches(_ENV_VAR_NAME_RE, value):
        errs.append(
            regex_error(
                _ENV_VAR_NAME_ERR_MSG, _ENV_VAR_NAME_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1"
            )
        )
    return errs + _has_chdir_prefix(value)


def is_relaxed_env_var_name(value: str) -> list[str]:
    """IsRelaxedEnvVarName: non-empty printable ASCII without '='."""
    errs: list[str] = []
    if not value:
        errs.append("environment variable name " + empty_error())
    if any(not (" " <= c <= "~") or c == "=" for c in value):
        errs.append(_RELAXED_ENV_VAR_NAME_ERR_MSG)
    return errs


_CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_MAP_KEY_RE = re.compile(_CONFIG_MAP_KEY_FMT)


def is_config_map_key(value: str) -> list[str]:
    """IsConfigMapKey: a ConfigMap or Secret key."""
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _matches(_CONFIG_MAP_KEY_RE, value):
        msg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
        errs.append(regex_error(msg, _CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    return errs + _has_chdir_prefix(value)


# ---------------------------------------------------------------------------------------------
# IP addresses

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse_ip_sloppy(value: str) -> IPAddress | None:
    """netutils.ParseIPSloppy: like net.ParseIP, but IPv4 octets may have leading zeros."""
    if ":" in value:
        if "%" in value:  # zones are not IP addresses
            return None
        try:
            return ipaddress.IPv6Address(value)
        except ValueError:
            return None
    octets = value.split(".")
    if len(octets) != 4 or not all(o.isascii() and o.isdigit() for o in octets):
        return None
    numbers = [int(o) for o in octets]
    if any(n > 255 for n in numbers):
        return None
    return ipaddress.IPv4Address(".".join(map(str, numbers)))


def _go_ip_string(ip: IPAddress) -> str:
    """net.IP.String(): IPv4-mapped IPv6 addresses print as IPv4."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def _parse_ip(path: str, value: str, strict: bool) -> tuple[IPAddress | None, list[FieldError]]:
    """parseIP: the sloppy parse, then (when strict) no leading zeros and no IPv4-mapped IPv6."""
    ip = _parse_ip_sloppy(value)
    if ip is None:
        return None, [
            invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")
        ]
    errs: list[FieldError] = []
    if strict:
        if isinstance(ip, ipaddress.IPv4Address) and str(ip) != value:
            errs.append(invalid(path, value, "must not have leading 0s"))
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            errs.append(invalid(path, value, "must not be an IPv4-mapped IPv6 address"))
    return ip, errs


def is_valid_ip(path: str, value: str) -> list[FieldError]:
    """IsValidIP: a strictly valid IP address, in canonical form."""
    ip, errs = _parse_ip(path, value, strict=True)
    if errs or ip is None:
        return errs
    canonical = _go_ip_string(ip)
    if value != canonical:
        return [invalid(path, value, f'must be in canonical form ("{canonical}")')]
    return []


def is_valid_ip_for_legacy_field(
    path: str, value: str, strict: bool, valid_old_ips: Iterable[str] = ()
) -> list[FieldError]:
    """IsValidIPForLegacyField: sloppy unless `strict`; values already stored stay valid."""
    if value in valid_old_ips:
        return []
    return _parse_ip(path, value, strict)[1]


# ---------------------------------------------------------------------------------------------
# Name functions (generic.go)


def mask_trailing_dash(name: str) -> str:
    """maskTrailingDash, Go's quirk kept: the last two bytes of 'abc-' give way to 'a' ('aba')."""
    raw = name.encode("utf-8", "surrogatepass")
    if len(raw) > 1 and raw.endswith(b"-"):
        # A multi-byte character cut in half stays invalid, as Go's byte slice leaves it.
        return (raw[:-2] + b"a").decode("utf-8", "surrogateescape")
    return name


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    """NameIsDNSSubdomain."""
    return is_dns1123_subdomain(mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    """NameIsDNSLabel."""
    return is_dns1123_label(mask_trailing_dash(name) if prefix else name)


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    """NameIsDNS1035Label."""
    return is_dns1035_label(mask_trailing_dash(name) if prefix else name)


validate_namespace_name: NameFn = name_is_dns_label
"""ValidateNamespaceName."""

validate_service_account_name: NameFn = name_is_dns_subdomain
"""ValidateServiceAccountName."""


# ---------------------------------------------------------------------------------------------
# Field-level helpers

IS_NEGATIVE_ERROR_MSG = "must be greater than or equal to 0"
FIELD_IMMUTABLE_ERROR_MSG = "field is immutable"


def child(path: str, name: str) -> str:
    """field.Path.Child: `metadata` + `name` is `metadata.name`."""
    return f"{path}.{name}" if path else name


def validate_nonnegative_field(value: int, path: str) -> list[FieldError]:
    """ValidateNonnegativeField."""
    return [invalid(path, value, IS_NEGATIVE_ERROR_MSG)] if value < 0 else []


def validate_immutable_field(new: Any, old: Any, path: str) -> list[FieldError]:
    """ValidateImmutableField (equality stands in for apiequality.Semantic.DeepEqual)."""
    return [] if new == old else [invalid(path, new, FIELD_IMMUTABLE_ERROR_MSG)]


def validate_dns1123_label(value: str, path: str) -> list[FieldError]:
    """pkg/apis/core/validation ValidateDNS1123Label: each message as an Invalid error."""
    return [invalid(path, value, m) for m in is_dns1123_label(value)]


def validate_dns1123_subdomain(value: str, path: str) -> list[FieldError]:
    """pkg/apis/core/validation ValidateDNS1123Subdomain."""
    return [invalid(path, value, m) for m in is_dns1123_subdomain(value)]


def validate_qualified_name(value: str, path: str) -> list[FieldError]:
    """pkg/apis/core/validation ValidateQualifiedName."""
    return [invalid(path, value, m) for m in is_qualified_name(value)]


# ---------------------------------------------------------------------------------------------
# Labels, annotations, finalizers and owner references

TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * (1 << 10)  # 256 KiB

FINALIZER_ORPHAN_DEPENDENTS = "orphan"
FINALIZER_DELETE_DEPENDENTS = "foregroundDeletion"


def validate_label_name(name: str, path: str) -> list[FieldError]:
    """metav1validation.ValidateLabelName."""
    return validate_qualified_name(name, path)


def validate_labels(labels: Mapping[str, str], path: str) -> list[FieldError]:
    """metav1validation.ValidateLabels: keys are qualified names, values label values. The
    errors are kept per (labels in order, path): a pod's labels are validated again on every
    write of it."""
    items = tuple(labels.items())
    try:
        return list(_labels_errors(items, path))
    except TypeError:  # an unhashable value: nothing to keep
        return list(_labels_errors.__wrapped__(items, path))


@functools.lru_cache(maxsize=4096)
def _labels_errors(items: tuple[tuple[str, str], ...], path: str) -> tuple[FieldError, ...]:
    errs: list[FieldError] = []
    for key, value in items:
        errs.extend(validate_label_name(key, path))
        errs.extend(invalid(path, value, m) for m in is_valid_label_value(value))
    return tuple(errs)


def annotations_size(annotations: Mapping[str, str]) -> int:
    """The total size ValidateAnnotationsSize compares: bytes of every key and value."""
    return sum(_blen(k) + _blen(v) for k, v in annotations.items())


def validate_annotations(annotations: Mapping[str, str], path: str) -> list[FieldError]:
    """ValidateAnnotations: keys are qualified names up to case; at most 256 KiB in total."""
    if not annotations:
        return []
    errs = [invalid(path, key, m) for key in annotations for m in is_qualified_name(key.lower())]
    if annotations_size(annotations) > TOTAL_ANNOTATION_SIZE_LIMIT_B:
        # field.TooLong(fldPath, "", limit): the value is never printed.
        detail = f"may not be more than {TOTAL_ANNOTATION_SIZE_LIMIT_B} bytes"
        errs.append(FieldError(TOO_LONG, path, "", detail, omit_value=True))
    return errs


def validate_finalizer_name(name: str, path: str) -> list[FieldError]:
    """ValidateFinalizerName: a qualified name."""
    return validate_qualified_name(name, path)


def validate_finalizers(finalizers: Sequence[str], path: str) -> list[FieldError]:
    """ValidateFinalizers: qualified names, and not both 'orphan' and 'foregroundDeletion'."""
    errs = [e for f in finalizers for e in validate_finalizer_name(f, path)]
    if FINALIZER_ORPHAN_DEPENDENTS in finalizers and FINALIZER_DELETE_DEPENDENTS in finalizers:
        detail = (
            f"finalizer {FINALIZER_ORPHAN_DEPENDENTS} and {FINALIZER_DELETE_DEPENDENTS} "
            "cannot be both set"
        )
        errs.append(invalid(path, list(finalizers), detail))
    return errs


def validate_no_new_finalizers(
    new: Sequence[str], old: Sequence[str], path: str
) -> list[FieldError]:
    """ValidateNoNewFinalizers: an object being deleted may not gain finalizers."""
    extra = sorted(set(new) - set(old))
    if not extra:
        return []
    shown = "[]string{" + ", ".join(f'"{f}"' for f in extra) + "}"  # Go's %#v of []string
    detail = (
        "no new finalizers can be added if the object is being deleted, "
        f"found new finalizers {shown}"
    )
    return [forbidden(path, detail)]


class OwnerReferenceLike(Protocol):
    """What is read of a metav1.OwnerReference."""

    api_version: str
    kind: str
    name: str
    uid: str
    controller: bool | None


@attrs.frozen
class GroupVersionKind:
    """schema.GroupVersionKind."""

    group: str
    version: str
    kind: str

    def __str__(self) -> str:
        return f"{self.group}/{self.version}, Kind={self.kind}"


BANNED_OWNERS = frozenset({GroupVersionKind("", "v1", "Event")})


def gvk_from_api_version_and_kind(api_version: str, kind: str) -> GroupVersionKind:
    """schema.FromAPIVersionAndKind: an unparsable apiVersion leaves group and version empty."""
    if api_version in ("", "/"):
        return GroupVersionKind("", "", kind)
    slashes = api_version.count("/")
    if slashes == 0:
        return GroupVersionKind("", api_version, kind)
    if slashes == 1:
        group, version = api_version.split("/")
        return GroupVersionKind(group, version, kind)
    return GroupVersionKind("", "", kind)


def owner_reference_json(ref: OwnerReferenceLike) -> dict[str, Any]:
    """The OwnerReference as json.Marshal shows it in a bad value (omitempty fields left out)."""
    shown: dict[str, Any] = {
        "apiVersion": ref.api_version,
        "kind": ref.kind,
        "name": ref.name,
        "uid": ref.uid,
    }
    if ref.controller is not None:
        shown["controller"] = ref.controller
    block = getattr(ref, "block_owner_deletion", None)
    if block is not None:
        shown["blockOwnerDeletion"] = block
    return shown


def validate_owner_reference(ref: OwnerReferenceLike, path: str) -> list[FieldError]:
    """validateOwnerReference: version, kind, name and uid set; not a banned owner kind."""
    errs: list[FieldError] = []
    # Go's fields are strings: an absent one is "" (a decoded kubefold value may hold None).
    api_version, kind = ref.api_version or "", ref.kind or ""
    gvk = gvk_from_api_version_and_kind(api_version, kind)
    if not gvk.version:
        detail = "version must not be empty"
        errs.append(invalid(child(path, "apiVersion"), api_version, detail))
    if not gvk.kind:
        errs.append(invalid(child(path, "kind"), kind, "must not be empty"))
    if not ref.name:
        errs.append(invalid(child(path, "name"), ref.name or "", "must not be empty"))
    if not ref.uid:
        errs.append(invalid(child(path, "uid"), ref.uid or "", "must not be empty"))
    if gvk in BANNED_OWNERS:
        detail = f"{gvk} is disallowed from being an owner"
        errs.append(invalid(path, owner_reference_json(ref), detail))
    return errs


def validate_owner_references(refs: Sequence[OwnerReferenceLike], path: str) -> list[FieldError]:
    """ValidateOwnerReferences: each reference, and at most one with controller=true."""
    errs: list[FieldError] = []
    first_controller = ""
    for ref in refs:
        errs.extend(validate_owner_reference(ref, path))
        if not ref.controller:
            continue
        current = f"{ref.kind}/{ref.name}"
        if first_controller:
            detail = (
                'Only one reference can have Controller set to true. Found "true" in references '
                f"for {first_controller} and {current}"
            )
            errs.append(invalid(path, [owner_reference_json(r) for r in refs], detail))
        else:
            first_controller = current
    return errs


# ---------------------------------------------------------------------------------------------
# ObjectMeta


class ObjectMetaLike(Protocol):
    """What is read of a metav1.ObjectMeta (`generation` is read only if present)."""

    name: str
    generate_name: str
    namespace: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    finalizers: Sequence[str]
    owner_references: Sequence[OwnerReferenceLike]


def validate_object_meta(
    meta: ObjectMetaLike, requires_namespace: bool, name_fn: NameFn, path: str = "metadata"
) -> list[FieldError]:
    """ValidateObjectMeta(Accessor): metadata on creation, after name generation."""
    errs = _validate_names(meta, name_fn, path)
    errs.extend(_validate_namespace(meta.namespace or "", requires_namespace, path))
    generation = getattr(meta, "generation", 0) or 0
    errs.extend(validate_nonnegative_field(generation, child(path, "generation")))
    errs.extend(validate_labels(meta.labels or {}, child(path, "labels")))
    errs.extend(validate_annotations(meta.annotations or {}, child(path, "annotations")))
    refs = meta.owner_references or ()
    errs.extend(validate_owner_references(refs, child(path, "ownerReferences")))
    errs.extend(validate_finalizers(meta.finalizers or (), child(path, "finalizers")))
    return errs


def _validate_names(meta: ObjectMetaLike, name_fn: NameFn, path: str) -> list[FieldError]:
    """generateName (as a prefix) when set, then name, which is required."""
    errs: list[FieldError] = []
    generate_name = meta.generate_name or ""
    if generate_name:
        field = child(path, "generateName")
        errs.extend(invalid(field, generate_name, m) for m in name_fn(generate_name, True))
    name = meta.name or ""
    if not name:
        errs.append(required(child(path, "name"), "name or generateName is required"))
    else:
        errs.extend(invalid(child(path, "name"), name, m) for m in name_fn(name, False))
    return errs


def _validate_namespace(namespace: str, requires_namespace: bool, path: str) -> list[FieldError]:
    """A namespaced object needs a valid namespace; a cluster-scoped one may not have one."""
    field = child(path, "namespace")
    if not requires_namespace:
        return [forbidden(field, "not allowed on this type")] if namespace else []
    if not namespace:
        return [required(field)]
    return [invalid(field, namespace, m) for m in validate_namespace_name(namespace, False)]
