"""Signals the registry sends when records change outside Django's own save()/delete() (bulk
imports, set-wise updates), so derived data elsewhere (indicator facts) can follow."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `patent_ids`: patents created, or whose stored fields, holders or IPC codes changed,
# inside the writing transaction (receivers may write in it too, e.g. queue derived data refreshes).
patents_changed = Signal()
