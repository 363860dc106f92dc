# Known values for tests/unit/ml-r-reference.test.ts: R forecast::ets fits of AirPassengers
# (R's datasets) in several forms, with their estimated parameters, initial states, fitted values
# and log-likelihood; and thetaf() forecasts of three seasonal series. Foresight's ETS recursions
# run with these parameters must give the same fitted values, and its -2 log-likelihood the same
# value up to the constant n log n; its Theta the same forecasts.
# Run from this folder: Rscript reference-fixtures.R   (writes ../../../unit/fixtures/r-forecast-reference.json)
suppressMessages(library(forecast))
y <- AirPassengers
num <- function(x) paste0("[", paste(format(as.numeric(x), digits = 17, trim = TRUE), collapse = ","), "]")
parts <- character()
for (model in c("ANN", "MNN", "AAN", "MAN", "AAA", "MAM", "MNM")) {
  damped <- FALSE
  for (d in if (substr(model, 2, 2) == "A") c(FALSE, TRUE) else FALSE) {
    fit <- ets(y, model = model, damped = d)
    p <- fit$par
    get <- function(k, default) if (k %in% names(p)) p[[k]] else default
    init <- fit$initstate
    s <- init[grepl("^s[0-9]+$", names(init))]
    parts <- c(parts, paste0('{"model":"', model, '","damped":', tolower(as.character(d)),
      ',"alpha":', get("alpha", 0), ',"beta":', get("beta", 0), ',"gamma":', get("gamma", 0),
      ',"phi":', get("phi", 1), ',"l":', init[["l"]], ',"b":', if ("b" %in% names(init)) init[["b"]] else 0,
      ',"s":', num(s), ',"fitted":', num(fitted(fit)), ',"loglik":', fit$loglik, ',"aicc":', fit$aicc, '}'))
  }
}
# thetaf() on three seasonal monthly series, each without its last 18 months, 18 steps ahead.
thetas <- character()
for (nm in c("AirPassengers", "co2", "wineind")) {
  x <- if (exists(nm)) base::get(nm) else base::get(nm, envir = asNamespace("forecast"))
  x <- ts(head(as.numeric(x), length(x) - 18), frequency = 12)
  f <- thetaf(x, h = 18)
  thetas <- c(thetas, paste0('{"name":"', nm, '","y":', num(x), ',"mean":', num(f$mean), '}'))
}
dir.create("../../../unit/fixtures", showWarnings = FALSE)
writeLines(c(paste0('{"source":"', R.version.string, ', forecast ', as.character(packageVersion("forecast")), ', ets(AirPassengers, model, damped)",'),
  paste0('"y":', num(y), ','), '"fits":[', paste(parts, collapse = ",\n"), '],',
  '"thetaf":[', paste(thetas, collapse = ",\n"), ']}'), "../../../unit/fixtures/r-forecast-reference.json")
