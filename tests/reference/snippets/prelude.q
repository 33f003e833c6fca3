ddf = read_csv("data/nycflights/*.csv", parse_dates={"Date": [0, 1, 2]}, dtype={"CRSElapsedTime": "float64", "TailNum": "object", "Cancelled": "bool"})
