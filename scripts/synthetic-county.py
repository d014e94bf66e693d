#!/usr/bin/env python3
"""synthetic-county: writes data/plans/yunling-2023-2027.yaml, the synthetic second county of the
multi-county demo and tests — the Wushan plan's structure with the county's name replaced."""
import os

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
src = open(os.path.join(root, "data/plans/wushan-2023-2027.yaml"), encoding="utf-8").read()
lines = src.split("\n")
i = 0
while lines[i].startswith("#"):
    i += 1
body = "\n".join(lines[i:])
body = body.replace("id: wushan-2023-2027", "id: yunling-2023-2027", 1)
body = body.replace("巫山", "云岭")
body = body.replace("status: draft            # 征求意见稿", "status: draft            # 合成示例")
header = """# A SYNTHETIC second county ("云岭县", which does not exist) for the multi-county deployment demo and
# tests: the Wushan plan's structure (data/plans/wushan-2023-2027.yaml) with the county's name
# replaced, so a province-level deployment can show two plans side by side. Not a real plan; its
# numbers are Wushan's demo numbers. Regenerate with scripts/synthetic-county.py.
"""
with open(os.path.join(root, "data/plans/yunling-2023-2027.yaml"), "w", encoding="utf-8") as f:
    f.write(header + body)
