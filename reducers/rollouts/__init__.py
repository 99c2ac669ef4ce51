"""Argo Rollouts, as kubefold runs it: blue-green and canary Rollouts with analysis.

- `rollout/`: the `argo-rollouts` controller (rollout/ of argoproj/argo-rollouts: controller,
  sync, canary, bluegreen, replicaset, service, trafficrouting, analysis, pause, restart,
  experiment, templateref) and the spec validation;
- `analysis/`: the `analysis` controller (analysis/analysis.go), its metric providers (the
  latest `metric:` sample, or a real Job) and the condition evaluator (utils/evaluate);
- `experiments/`: the `experiments` controller;
- `trafficrouting/`: the Gateway API plugin and Istio;
- `utils/`: the pure arithmetic and helpers (utils/replicaset, conditions, defaults, hash,
  annotations, analysis, rollout).

The kinds are in core/rollouts.py; the kubectl plugin's verbs (`rollout:` events on kind
Rollout) in reducers/kubectl/argo.py.

Models: github.com/argoproj/argo-rollouts at 9f8d111 (after v1.9; k8s.io/api v0.34) and
argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi v0.15.0.
"""

from kubefold.reducers.rollouts.analysis.controller import CONTROLLER as ANALYSIS
from kubefold.reducers.rollouts.experiments.experiment import CONTROLLER as EXPERIMENTS
from kubefold.reducers.rollouts.rollout.controller import CONTROLLER as ROLLOUTS

__all__ = ["ANALYSIS", "EXPERIMENTS", "ROLLOUTS"]
