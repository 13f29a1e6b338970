"""The matcher: plain Python, NumPy and SciPy, no Django.

It takes plain supplier and request records and returns arrays and explanations,
so it can be tested and benchmarked on its own.
"""

from engine.index import IndexDelta, SupplierIndex
from engine.records import CodeTaxonomy, Query, SupplierRecord

__all__ = ["CodeTaxonomy", "IndexDelta", "Query", "SupplierIndex", "SupplierRecord"]
