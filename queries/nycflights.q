# The Dask course exercise, Section D, on the committed sample of the nycflights data.
# Run it with: cargo run --release -- run queries/nycflights.q
import dask.dataframe as dd

ddf = dd.read_csv("data/nycflights/*.csv", parse_dates={"Date": [0, 1, 2]}, dtype={"CRSElapsedTime": "float64", "TailNum": "object", "Cancelled": "bool"})

# 5. Attributes
ddf.columns
ddf.dtypes
ddf.npartitions

# 6. Length, last rows, a random sample
len(ddf)
ddf.tail(10)
ddf[["CRSElapsedTime", "TailNum"]].sample(frac=0.001, random_state=42).compute()

# 7. A series, loc against the mean, iloc columns
ddf["TailNum"].compute()
ddf.loc[ddf["ArrTime"] < ddf["ArrTime"].mean()].compute()
ddf.iloc[:, [1, 3]].compute()

# 8. Partitions
ddf.repartition(npartitions=5).npartitions
ddf.partitions[1].compute()

# 9a. Non-missing values per column
ddf.count().compute()
# 9b. Counts of each value of Cancelled
ddf.Cancelled.value_counts().compute()
# 9c. Largest departure delay
ddf.DepDelay.max().compute()
# 9d. Cancelled flights
ddf[ddf.Cancelled].compute()
# 9e. Flights on Mondays
len(ddf[ddf.DayOfWeek == 1])
# 9f. Non-cancelled flights per origin, and their share of all flights
ddf[~ddf.Cancelled].groupby("Origin").Origin.count().compute()
(ddf[~ddf.Cancelled].groupby("Origin").Origin.count() / ddf.groupby("Origin").Origin.count()).compute()
# 9g. Mean departure delay per origin and weekday
ddf.groupby(["Origin", "DayOfWeek"]).DepDelay.mean().compute()
# 9h. Means of the numeric columns for the three NYC airports as destination
numcols = ddf.select_dtypes(include="number").columns
ddf[ddf["Dest"].isin(["JFK", "EWR", "LGA"])].groupby("Dest")[numcols].mean().compute()
# 9i. Yearly maxima of elapsed time and distance
ddf.groupby(ddf.Date.dt.year)[["ActualElapsedTime", "Distance"]].max().compute()

# 10/12. Minimum arrival delay per destination, on the threaded scheduler
x = ddf.groupby("Dest")["ArrDelay"].min()
x.compute(scheduler="threads")
