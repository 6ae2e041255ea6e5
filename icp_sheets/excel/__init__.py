"""The Excel front-end: custom functions (xlwings), cell-value conversion and the formulas written into tables."""
