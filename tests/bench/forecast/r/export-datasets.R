# Writes r-datasets.csv: every monthly (frequency 12) and quarterly (frequency 4) time series in
# R's own `datasets` package and in the `forecast` package's data, one row per series, with no
# missing value; each column of a multivariate series is a series. Rule fixed before any score
# (2026-11-22, session 5): left out are UKDriverDeaths (identical to Seatbelts' "drivers"),
# Seatbelts' "law" (a 0/1 indicator of the seat-belt law, not a measurement) and presidents
# (6 missing quarters). Debian 12: apt-get install --no-install-recommends r-cran-forecast
# (R 4.2.2, forecast 8.20). Run from this folder: Rscript export-datasets.R
# flow: 1 when a quarter is the sum of its months (counts, volumes), 0 when it is their mean.
flows <- c(AirPassengers = 1, DriversKilled = 1, drivers = 1, front = 1, rear = 1, kms = 1,
  PetrolPrice = 0, VanKilled = 1, USAccDeaths = 1, co2 = 0, fdeaths = 1, ldeaths = 1,
  mdeaths = 1, nottem = 0, sunspot.month = 0, sunspots = 0, gas = 1, wineind = 1)
rows <- character()
for (pkg in c("datasets", "forecast")) {
  items <- sub(" .*", "", data(package = pkg)$results[, "Item"])
  for (nm in items) {
    e <- new.env()
    suppressWarnings(try(data(list = nm, package = pkg, envir = e), silent = TRUE))
    if (!exists(nm, envir = e)) next
    x <- get(nm, envir = e)
    if (!is.ts(x) || !(frequency(x) %in% c(4, 12))) next
    if (nm %in% c("UKDriverDeaths", "presidents")) next
    cols <- if (NCOL(x) > 1) colnames(x) else nm
    for (col in cols) {
      if (col == "law") next
      v <- if (NCOL(x) > 1) as.numeric(x[, col]) else as.numeric(x)
      if (any(is.na(v))) stop(paste(nm, col, "has missing values"))
      name <- if (NCOL(x) > 1) paste0(nm, ".", col) else nm
      flow <- if (frequency(x) == 4) "" else as.character(flows[[col]])
      rows <- c(rows, paste(pkg, name, frequency(x), paste(start(x), collapse = "-"), flow,
        paste(format(v, digits = 15, trim = TRUE), collapse = " "), sep = ","))
    }
  }
}
writeLines(c("package,name,frequency,start,flow,values", rows), "r-datasets.csv")
cat(length(rows), "series written with", R.version.string, "and forecast", as.character(packageVersion("forecast")), "\n")
