#!/usr/bin/env python3
"""Writes the small JSON samples read_json's tests read, from the committed CSV sample.

flights.jsonl: the first 40 flights of 1990, one record per line (what Dask's to_json writes),
Date as epoch milliseconds (pandas' default date_format), a missing value left out of its
record (keys missing) or written as null, Cancelled as true/false, Distance as a float that is
always whole (pandas reads that column as int64).
flights-records.json: the first 40 flights of 1991 as one array of records (pandas'
orient="records"), Date as ISO text.

Python 3, standard library only: python3 data/json/make.py
"""

import csv
import datetime
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = 40


def records(year):
    with open(os.path.join(HERE, "..", "nycflights", f"{year}.csv"), newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if i == ROWS:
                return
            yield i, row


def number(text):
    return None if text == "" else int(text)


def flight(i, row, date):
    record = {
        "Date": date,
        "Origin": row["Origin"],
        "Dest": row["Dest"],
        "DepDelay": number(row["DepDelay"]),
        "ArrDelay": number(row["ArrDelay"]),
        "Distance": float(row["Distance"]),
        "Cancelled": row["Cancelled"] == "1",
        "TailNum": row["TailNum"] or None,
    }
    # Every other record leaves its missing values out instead of writing null.
    if i % 2:
        record = {k: v for k, v in record.items() if v is not None}
    return record


def day(row):
    return datetime.date(int(row["Year"]), int(row["Month"]), int(row["DayofMonth"]))


def main():
    epoch = datetime.date(1970, 1, 1)
    with open(os.path.join(HERE, "flights.jsonl"), "w", newline="\n") as f:
        for i, row in records(1990):
            millis = (day(row) - epoch).days * 86_400_000
            f.write(json.dumps(flight(i, row, millis), separators=(",", ":")) + "\n")
    with open(os.path.join(HERE, "flights-records.json"), "w", newline="\n") as f:
        rows = [flight(i, row, day(row).isoformat()) for i, row in records(1991)]
        f.write("[\n" + ",\n".join(json.dumps(r) for r in rows) + "\n]\n")


if __name__ == "__main__":
    main()
