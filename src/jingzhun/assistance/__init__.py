"""Precise assistance (精准帮扶): measure catalogue, one plan per household, budget-optimal
allocation, simulation against baselines, social-resource matching (docs/assistance.md)."""

from __future__ import annotations

from jingzhun.assistance.catalogue import load_catalogue
from jingzhun.assistance.instance import AllocationSettings, build_instance, select_targets
from jingzhun.assistance.optimise import AllocationError, allocate
from jingzhun.assistance.workspace import allocate_workspace, compare

__all__ = ["AllocationError", "AllocationSettings", "allocate", "allocate_workspace",
           "build_instance", "compare", "load_catalogue", "select_targets"]
