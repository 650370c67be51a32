"""Pattern discovery (模式发现): household typologies (k-prototypes), association rules
(apriori), trend and change points per county (ruptures), with charts and an HTML report."""

from jingzhun.patterns.associations import find_rule, items_frame, mine_rules
from jingzhun.patterns.changepoints import change_points, detect_change_points, job_loss_series
from jingzhun.patterns.typology import cluster_households

__all__ = ["change_points", "cluster_households", "detect_change_points", "find_rule",
           "items_frame", "job_loss_series", "mine_rules"]
