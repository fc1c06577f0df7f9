#!/usr/bin/python3
"""Edits a Product Load Form the way a person would in a spreadsheet program, with openpyxl
(Debian's python3-openpyxl), and saves it with openpyxl.

Usage: plf_edit.py IN.xlsx OUT.xlsx EDITS.json
EDITS.json: [{"sheet": "Product", "row": 2, "column": "ProductTitle", "value": "New title"}, ...]
`row` is the spreadsheet's row number (the header is row 1); `column` the header text (without
the " *" of required columns); a number `value` is written as a number cell, null empties the
cell. Prints the cells it wrote, e.g. Product!D2.
"""
import json
import sys

import openpyxl


def main():
    src, dst, edits_file = sys.argv[1:4]
    with open(edits_file) as f:
        edits = json.load(f)
    wb = openpyxl.load_workbook(src)
    for e in edits:
        ws = wb[e["sheet"]]
        col = None
        for cell in ws[1]:
            header = (cell.value or "").rstrip(" *")
            if header == e["column"]:
                col = cell.column
        if col is None:
            raise SystemExit(f"no column {e['column']} on sheet {e['sheet']}")
        c = ws.cell(row=e["row"], column=col)
        c.value = e["value"]
        print(f"{ws.title}!{c.coordinate}")
    wb.save(dst)


if __name__ == "__main__":
    main()
