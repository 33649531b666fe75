"""The registry import: parse a CSV or XLSX file, validate every row, keep a preview, then apply it at once."""
