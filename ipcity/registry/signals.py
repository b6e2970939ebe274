"""Signals the registry sends when records change outside Django's own save()/delete() (bulk
imports, set-wise updates), so derived data elsewhere (indicator facts) can follow."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `patent_ids`: patents whose stored fields, holders or IPC codes changed in place.
# New patents are not announced one by one (a million-row import would queue a million ids):
# consumers find them by id above what they have seen.
patents_changed = Signal()
