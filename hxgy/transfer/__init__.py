"""Moving data in and out as spreadsheets: templates, import (preview, then one transaction) and export.

- kinds.py     the kinds of file and their natural keys; their columns in columns.py and record_columns.py
- values.py    reading one cell the way people write it (全角数字, 2025年9月1日, 三（2）班 …)
- files.py     reading a whole .xlsx or .csv safely (size, rows, encoding, malicious files)
- headers.py   finding each sheet's header row and the rows under it that hold data
- lookup.py    the school's names → ids, loaded once per file
- rows/        one module per kind: one row → a typed record to write, or the problems that stop it
- imports.py   preview, then write every good row in one transaction, idempotently
- matching.py  rows whose key may come twice (two calls on one day) matched to the stored records in order
- history.py   the import page's tables: a file's problems, the latest imports
- templates.py the .xlsx templates schools fill in
- exports.py   the school's records in the same columns, so an export imports back
"""
