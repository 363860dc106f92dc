# Peer engine for tests/bench/forecast: Hyndman's forecast package (R), the reference
# implementation of the methods Foresight's engine has (ETS chosen by AICc, Theta) plus
# auto.arima. Reads the training part of each series, writes point forecasts and 80/95%
# prediction intervals as the package computes them (model-based, not conformal).
# Usage: Rscript peer.R in.csv out.csv   (in: id,frequency,horizon,values; values space-separated)
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
input <- read.csv(args[1], stringsAsFactors = FALSE)
out <- file(args[2], "w")
writeLines("id,method,step,mean,lo80,hi80,lo95,hi95,seconds", out)
emit <- function(id, method, f, seconds) {
  for (s in seq_along(f$mean)) {
    writeLines(paste(id, method, s, f$mean[s], f$lower[s, 1], f$upper[s, 1],
      f$lower[s, 2], f$upper[s, 2], seconds, sep = ","), out)
  }
}
for (i in seq_len(nrow(input))) {
  r <- input[i, ]
  y <- ts(as.numeric(strsplit(r$values, " ")[[1]]), frequency = r$frequency)
  h <- r$horizon
  fits <- list(
    ets = function() forecast(ets(y), h = h, level = c(80, 95)),
    arima = function() forecast(auto.arima(y), h = h, level = c(80, 95)),
    theta = function() thetaf(y, h = h, level = c(80, 95)),
    snaive = function() snaive(y, h = h, level = c(80, 95))
  )
  for (m in names(fits)) {
    t0 <- proc.time()[["elapsed"]]
    f <- tryCatch(fits[[m]](), error = function(e) { message(r$id, " ", m, ": ", conditionMessage(e)); NULL })
    if (!is.null(f)) emit(r$id, m, f, proc.time()[["elapsed"]] - t0)
  }
}
close(out)
