"""The strategies draw what they promise: valid objects, bad arguments rejected clearly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubefold.core.codec import decode_object
from kubefold.reducers import apiserver, manager
from kubefold.strategies.events import action_sequences, actions
from kubefold.strategies.objects import (
    clusters,
    deployments,
    nodes,
    pod_disruption_budgets,
    quantities,
)

EMPTY = manager.empty_cluster()


@settings(max_examples=80, deadline=None)
@given(st.one_of(deployments(), nodes(), pod_disruption_budgets()))
def test_drawn_objects_pass_the_api_server(manifest):
    result = apiserver.create(EMPTY, decode_object(manifest))
    assert isinstance(result, apiserver.Written), result


@settings(max_examples=30, deadline=None)
@given(clusters())
def test_drawn_clusters_apply_cleanly(manifests):
    cluster = EMPTY
    for m in manifests:
        result = apiserver.create(cluster, decode_object(m))
        assert isinstance(result, apiserver.Written), result
        cluster = result.cluster


@settings(max_examples=50, deadline=None)
@given(quantities(min_milli=100, max_milli=200))
def test_quantities_stay_in_range(q):
    assert 100 <= q.milli_value() <= 200


@pytest.mark.parametrize("make", [
    lambda: quantities(min_milli=5, max_milli=1),
    lambda: deployments(min_replicas=3, max_replicas=2),
    lambda: clusters(min_nodes=2, max_nodes=1),
    lambda: actions(deployments=[]),
    lambda: action_sequences(deployments=["web"], min_size=3, max_size=1),
], ids=["quantities", "deployments", "clusters", "actions", "action_sequences"])
def test_bad_arguments_raise_a_clear_error(make):
    with pytest.raises(ValueError, match="min|needs"):
        make()


@settings(max_examples=50, deadline=None)
@given(action_sequences(deployments=["web"], nodes=["n1"], faults=True, scale=True,
                        max_size=5))
def test_action_sequences_respect_their_size(seq):
    assert 1 <= len(seq) <= 5
