"""What Horizon knows about a plan and computes from it. Never imports Dash."""
from model.plan import Plan, PlanSettings

__all__ = ["Plan", "PlanSettings"]
