#!/usr/bin/env python3
"""Deterministic generator of nycflights-shaped CSV files (Python 3 standard library only).

The Dask tutorial's nycflights data (flights out of EWR, JFK and LGA, 1990-1999, one CSV per
year) cannot be shipped or fetched here, so ddq's tests, benchmarks and README demo run on a
synthetic stand-in with the same schema and, above all, the same quirks that make the Dask
exercise go wrong:

* TailNum, AirTime, TaxiIn and TaxiOut are empty in every row of 1990-1994 and filled later,
  so a reader that infers types from the first file sees all-null columns.
* CRSElapsedTime is empty only deep inside a few files (never in the first 1,000 rows; a
  handful of rows after row 1,500), so a reader that infers types from the head sees int64.
* Cancelled flights have no actual times or delays; diverted flights have no arrival data.

Each year is generated from its own `random.Random` seeded from (seed, year), so the output
depends only on the arguments: the same arguments give byte-identical files, whatever --jobs.

Usage:
    python3 data/generate.py                         # 1x, about 2.6 M rows, into data/nycflights
    python3 data/generate.py --scale 0.008           # the committed sample (about 2,000 rows a file)
    python3 data/generate.py --scale 10 --out /tmp/big
"""

import argparse
import datetime
import math
import multiprocessing
import os
import random
import sys

HEADER = (
    "Year,Month,DayofMonth,DayOfWeek,DepTime,CRSDepTime,ArrTime,CRSArrTime,UniqueCarrier,"
    "FlightNum,TailNum,ActualElapsedTime,CRSElapsedTime,AirTime,ArrDelay,DepDelay,Origin,Dest,"
    "Distance,TaxiIn,TaxiOut,Cancelled,Diverted"
)

YEARS = range(1990, 2000)

# Rows per year at scale 1 (2.6 M in all); uneven so files differ in length, as real years do.
ROWS_AT_SCALE_1 = {
    1990: 255_000,
    1991: 248_000,
    1992: 252_000,
    1993: 254_000,
    1994: 259_000,
    1995: 262_000,
    1996: 266_000,
    1997: 264_000,
    1998: 268_000,
    1999: 272_000,
}

# Before this year the source data recorded no tail numbers, air times or taxi times.
FIRST_YEAR_WITH_TAIL_AND_TAXI = 1995

# CRSElapsedTime gaps: never before this row of a file (so Dask's sample of the head sees
# only integers) ...
FIRST_ROW_WITH_MISSING_CRS_ELAPSED = 1500
# ... and only in these files.
YEARS_WITH_MISSING_CRS_ELAPSED = (1991, 1993, 1994, 1996, 1998)

ORIGINS = ("EWR", "JFK", "LGA")
ORIGIN_WEIGHTS = (34, 33, 33)

# code: (latitude, longitude, hours ahead of US Eastern time, relative traffic weight)
AIRPORTS = {
    "EWR": (40.6925, -74.1687, 0, 0.4),
    "JFK": (40.6398, -73.7789, 0, 0.4),
    "LGA": (40.7772, -73.8726, 0, 0.4),
    "ATL": (33.6367, -84.4281, 0, 9.0),
    "BOS": (42.3643, -71.0052, 0, 8.0),
    "ORD": (41.9786, -87.9048, -1, 10.0),
    "DFW": (32.8968, -97.0380, -1, 6.0),
    "DEN": (39.8617, -104.6732, -2, 3.5),
    "LAX": (33.9425, -118.4081, -3, 7.0),
    "SFO": (37.6190, -122.3749, -3, 5.0),
    "MIA": (25.7932, -80.2906, 0, 6.0),
    "FLL": (26.0726, -80.1527, 0, 4.5),
    "MCO": (28.4294, -81.3090, 0, 5.0),
    "TPA": (27.9755, -82.5332, 0, 3.0),
    "PBI": (26.6832, -80.0956, 0, 2.5),
    "DCA": (38.8521, -77.0377, 0, 6.0),
    "IAD": (38.9445, -77.4558, 0, 2.0),
    "BWI": (39.1754, -76.6683, 0, 2.0),
    "CLT": (35.2140, -80.9431, 0, 4.0),
    "RDU": (35.8776, -78.7875, 0, 3.0),
    "DTW": (42.2124, -83.3534, 0, 4.0),
    "CLE": (41.4117, -81.8498, 0, 2.5),
    "PIT": (40.4915, -80.2329, 0, 3.5),
    "BUF": (42.9405, -78.7322, 0, 3.0),
    "ROC": (43.1189, -77.6724, 0, 2.0),
    "SYR": (43.1112, -76.1063, 0, 2.0),
    "MSP": (44.8820, -93.2218, -1, 2.5),
    "STL": (38.7487, -90.3700, -1, 2.5),
    "IAH": (29.9844, -95.3414, -1, 3.0),
    "MSY": (29.9934, -90.2580, -1, 2.0),
    "PHX": (33.4343, -112.0116, -2, 2.0),
    "LAS": (36.0801, -115.1522, -3, 2.0),
    "SEA": (47.4490, -122.3093, -3, 1.5),
    "SJU": (18.4394, -66.0018, 1, 2.0),
}

# carrier: (traffic weight, tail-number suffix, first year flown, last year flown)
CARRIERS = {
    "AA": (14, "AA", 1990, 1999),
    "UA": (12, "UA", 1990, 1999),
    "DL": (13, "DL", 1990, 1999),
    "US": (12, "US", 1990, 1999),
    "CO": (16, "CO", 1990, 1999),
    "TW": (8, "TW", 1990, 1999),
    "NW": (6, "NW", 1990, 1999),
    "HP": (3, "AW", 1990, 1999),
    "EA": (9, "EA", 1990, 1990),  # Eastern Air Lines stopped flying in January 1991.
}

AVERAGE_CANCELLATION_RATE = 0.02
DIVERSION_RATE = 0.003
AIR_MILES_PER_MINUTE = 7.7
SCHEDULE_FIRST_MINUTE = 6 * 60
SCHEDULE_SLOTS = 16 * 12  # 06:00 to 21:55 in five-minute steps
TAILS_PER_CARRIER = 400


def great_circle_miles(a, b):
    lat1, lon1 = map(math.radians, AIRPORTS[a][:2])
    lat2, lon2 = map(math.radians, AIRPORTS[b][:2])
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return max(1, round(2 * 3958.8 * math.asin(math.sqrt(h))))


def scheduled_minutes(miles):
    """Block time an airline would publish for a route: airborne time plus taxi allowance."""
    return round(miles / AIR_MILES_PER_MINUTE + 12 + 25)


def routes():
    """Every (origin, dest) pair with its distance, block time and traffic weight."""
    table = []
    for origin in ORIGINS:
        for dest, (_, _, _, weight) in AIRPORTS.items():
            if dest == origin:
                continue
            miles = great_circle_miles(origin, dest)
            table.append((origin, dest, miles, scheduled_minutes(miles), weight))
    return table


def cumulative(weights):
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def hhmm(minutes_after_midnight):
    """Clock time as the source data writes it: 1434 for 14:34, 2400 for midnight."""
    m = minutes_after_midnight % 1440
    if m == 0:
        return 2400
    return (m // 60) * 100 + m % 60


def rows_per_day(total_rows, days):
    """Spread total_rows over days as evenly as integers allow."""
    return [(i + 1) * total_rows // days - i * total_rows // days for i in range(days)]


def cancellation_rate(month):
    # Winter storms cancel more flights; the weights average to 1 over a year.
    factor = 1.8 if month in (12, 1, 2) else 0.8
    return AVERAGE_CANCELLATION_RATE * factor / 1.05


def departure_delay(rng):
    """Minutes late leaving the gate: mostly a few minutes early or late, with a long tail."""
    if rng.random() < 0.72:
        return max(-20, round(rng.gauss(-1.0, 4.0)))
    delay = 1 + int(rng.expovariate(1 / 32.0))
    if rng.random() < 0.01:
        delay += int(rng.expovariate(1 / 180.0))
    return delay


def missing_crs_elapsed_rows(seed, year, n_rows):
    """Row numbers (0-based, within the file) whose CRSElapsedTime is left empty."""
    if year not in YEARS_WITH_MISSING_CRS_ELAPSED or n_rows <= FIRST_ROW_WITH_MISSING_CRS_ELAPSED:
        return set()
    rng = random.Random(seed * 1_000_003 + year * 7 + 1)
    how_many = 2 + rng.randrange(4)
    return {rng.randrange(FIRST_ROW_WITH_MISSING_CRS_ELAPSED, n_rows) for _ in range(how_many)}


def field(value, present):
    return str(value) if present else ""


def year_rows(seed, year, n_rows):
    """Yield the CSV lines (without newline) of one year's file, in date order."""
    rng = random.Random(seed * 1_000_003 + year)
    rnd = rng.random

    carriers = [c for c, (_, _, first, last) in CARRIERS.items() if first <= year <= last]
    carrier_cum = cumulative(CARRIERS[c][0] for c in carriers)
    tails = {
        c: [f"N{100 + rng.randrange(900)}{CARRIERS[c][1]}" for _ in range(TAILS_PER_CARRIER)]
        for c in carriers
    }
    route_table = routes()
    route_cum = cumulative(
        w * ORIGIN_WEIGHTS[ORIGINS.index(o)] for o, _, _, _, w in route_table
    )
    has_tail_and_taxi = year >= FIRST_YEAR_WITH_TAIL_AND_TAXI
    missing_crs = missing_crs_elapsed_rows(seed, year, n_rows)

    first_day = datetime.date(year, 1, 1)
    days = (datetime.date(year + 1, 1, 1) - first_day).days
    row_number = 0
    for day_index, count in enumerate(rows_per_day(n_rows, days)):
        day = first_day + datetime.timedelta(days=day_index)
        date_prefix = f"{year},{day.month},{day.day},{day.isoweekday()}"
        cancel_rate = cancellation_rate(day.month)
        flights = []
        for _ in range(count):
            crs_dep = SCHEDULE_FIRST_MINUTE + 5 * int(rnd() * SCHEDULE_SLOTS)
            flights.append((crs_dep, rnd()))
        flights.sort()
        for crs_dep, _ in flights:
            carrier = rng.choices(carriers, cum_weights=carrier_cum)[0]
            origin, dest, miles, block, _ = rng.choices(route_table, cum_weights=route_cum)[0]
            tz_hours = AIRPORTS[dest][2]
            crs_elapsed = block + int(rnd() * 7) - 3
            crs_arr = crs_dep + crs_elapsed + 60 * tz_hours
            flight_num = 1 + int(rnd() * 1999)
            tail = tails[carrier][int(rnd() * TAILS_PER_CARRIER)]

            outcome = rnd()
            cancelled = outcome < cancel_rate
            diverted = not cancelled and outcome > 1.0 - DIVERSION_RATE

            dep_delay = departure_delay(rng)
            taxi_out = 9 + min(110, int(rng.expovariate(1 / 9.0)))
            taxi_in = 3 + min(55, int(rng.expovariate(1 / 4.0)))
            air_time = max(8, round(miles / AIR_MILES_PER_MINUTE + 10 + rng.gauss(0, 3 + miles / 400)))
            if diverted:
                taxi_in = 0
            elapsed = taxi_out + air_time + taxi_in
            arr_delay = dep_delay + elapsed - crs_elapsed

            flown = not cancelled
            arrived = flown and not diverted
            taxi_known = flown and has_tail_and_taxi
            yield ",".join(
                (
                    date_prefix,
                    field(hhmm(crs_dep + dep_delay), flown),
                    str(hhmm(crs_dep)),
                    field(hhmm(crs_arr + arr_delay), arrived),
                    str(hhmm(crs_arr)),
                    carrier,
                    str(flight_num),
                    field(tail, has_tail_and_taxi),
                    field(elapsed, arrived),
                    field(crs_elapsed, row_number not in missing_crs),
                    field(air_time, arrived and has_tail_and_taxi),
                    field(arr_delay, arrived),
                    field(dep_delay, flown),
                    origin,
                    dest,
                    str(miles),
                    field(taxi_in, taxi_known),
                    field(taxi_out, taxi_known),
                    "1" if cancelled else "0",
                    "1" if diverted else "0",
                )
            )
            row_number += 1


def write_year(job):
    """Write one year's file under a temporary name, then rename it into place."""
    out_dir, seed, year, n_rows = job
    final_path = os.path.join(out_dir, f"{year}.csv")
    temp_path = f"{final_path}.tmp-{os.getpid()}"
    try:
        with open(temp_path, "w", encoding="ascii", newline="\n") as out:
            out.write(HEADER + "\n")
            batch = []
            for line in year_rows(seed, year, n_rows):
                batch.append(line)
                if len(batch) >= 10_000:
                    out.write("\n".join(batch) + "\n")
                    batch.clear()
            if batch:
                out.write("\n".join(batch) + "\n")
        os.replace(temp_path, final_path)
    finally:
        if os.path.exists(temp_path):
            os.remove(temp_path)
    return year, n_rows


def positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, found {text!r}")
    return value


def parse_args(argv):
    default_out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nycflights")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=default_out, help="output folder (default: data/nycflights)")
    parser.add_argument(
        "--scale",
        type=positive_float,
        default=1.0,
        help="1 gives about 2.6 M rows (about 190 MB); 0.008 gives the committed sample",
    )
    parser.add_argument("--seed", type=int, default=1990, help="random seed (default 1990)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="years generated in parallel (does not change the output)",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    jobs = [(args.out, args.seed, year, max(1, round(ROWS_AT_SCALE_1[year] * args.scale))) for year in YEARS]
    if args.jobs > 1:
        with multiprocessing.Pool(min(args.jobs, len(jobs))) as pool:
            done = pool.map(write_year, jobs)
    else:
        done = [write_year(job) for job in jobs]
    total = sum(n for _, n in done)
    print(f"wrote {len(done)} files, {total} rows, to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
