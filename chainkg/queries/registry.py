"""Re-export of :mod:`chainkg.graph.store.named`, where the named-query type now lives.

Kept only so the chain modules (being rewritten on another branch) keep importing it; remove
this module once they import ``chainkg.graph.store.named`` directly.
"""

from __future__ import annotations

from chainkg.graph.store.named import (
    BACKENDS,
    REL_TYPE_FN,
    NamedQuery,
    all_queries,
    get,
    q,
    q_rel_type,
    register,
)

__all__ = ["BACKENDS", "REL_TYPE_FN", "NamedQuery", "all_queries", "get", "q", "q_rel_type", "register"]
