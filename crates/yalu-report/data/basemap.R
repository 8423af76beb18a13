# Cuts the report's basemap (basemap.csv) from Natural Earth 1:50m as Debian packages it
# (apt-get install r-cran-rnaturalearthdata). Run: Rscript basemap.R
suppressMessages(library(sp))
e <- new.env()
lazyLoad("/usr/lib/R/site-library/rnaturalearthdata/data/Rdata", envir = e)
box <- function(m) m[,1] >= 119.5 & m[,1] <= 131.5 & m[,2] >= 37.0 & m[,2] <= 43.8
out <- c("layer,part,lon_deg,lat_deg")
part <- 0
emit <- function(layer, m) {
  keep <- box(m)
  # split into runs of consecutive points inside the box
  r <- rle(keep); ends <- cumsum(r$lengths); starts <- ends - r$lengths + 1
  for (i in seq_along(r$values)) if (r$values[i] && r$lengths[i] >= 2) {
    part <<- part + 1
    s <- m[starts[i]:ends[i], , drop = FALSE]
    out <<- c(out, sprintf("%s,%d,%.3f,%.3f", layer, part, s[,1], s[,2]))
  }
}
cl <- e$coastline50
for (l in cl@lines) for (ln in l@Lines) emit("coastline", ln@coords)
cs <- e$countries50
iso <- as.character(cs@data$iso_a3)
rings <- function(code) { p <- cs@polygons[[which(iso == code)]]; lapply(p@Polygons, function(q) q@coords) }
chn <- do.call(rbind, rings("CHN")); key <- function(m) sprintf("%.5f %.5f", m[,1], m[,2])
chn_keys <- key(chn)
for (m in rings("PRK")) {
  shared <- key(m) %in% chn_keys
  r <- rle(shared); ends <- cumsum(r$lengths); starts <- ends - r$lengths + 1
  for (i in seq_along(r$values)) if (r$values[i] && r$lengths[i] >= 2) emit("border", m[starts[i]:ends[i], , drop = FALSE])
}
writeLines(out, "/tmp/basemap.csv")
cat(length(out), "lines\n")
