# The plot of bench/e2e/run, from e2e.dat (written by report.py); run in the folder holding it.
# Left: seconds against people, both axes logarithmic, so that linear growth is a line of slope 1
# (the dotted line: ldapsearch's first figure grown in proportion), with the first sync's
# target (1.3 times ldapsearch) and the least wall its CPU allows on the machine's cores (its
# CPU divided by the cores). Right: peak memory.
set terminal pngcairo size 1200,500 font ",10"
set output "e2e.png"
set datafile missing "NaN"
set multiplot layout 1,2 title "bench/e2e: the whole sync cycle against a populated database"

set logscale xy
set xlabel "people in the directory"
set ylabel "seconds (median)"
set key top left font ",8" samplen 2 spacing 0.9
set grid
stats "e2e.dat" using 1:2 nooutput
x0 = STATS_min_x
y0 = STATS_min_y
plot "e2e.dat" using 1:2 with linespoints lw 2 title "ldapsearch -E pr=1000", \
     "" using 1:3 with linespoints lw 2 title "first full sync", \
     "" using 1:(1.3 * $2) with lines dt 3 lw 1.5 lc "red" title "first sync's target, 1.3 x ldapsearch", \
     "" using 1:14 with linespoints dt 4 lc "gray40" title "first sync's CPU / cores (least wall)", \
     "" using 1:4 with linespoints lw 2 title "unchanged full sync", \
     "" using 1:5 with linespoints title "import grants", \
     "" using 1:7 with linespoints title "incremental cycle, 100 changed", \
     "" using 1:8 with linespoints title "leaver latency", \
     "" using 1:9 with linespoints title "changes list", \
     "" using 1:10 with linespoints title "report leavers", \
     y0 * x / x0 with lines dt 2 lw 1.5 lc "black" title "linear from ldapsearch"

unset logscale y
set logscale x
set ylabel "peak RSS, MB"
set yrange [0:*]
set key bottom right
plot "e2e.dat" using 1:11 with linespoints lw 2 title "valtuusd --once (first sync)", \
     "" using 1:12 with linespoints lw 2 title "valtuusd looping", \
     "" using 1:13 with linespoints title "valtuusctl import grants", \
     128 with lines dt 2 lc "red" title "target 128 MB"
unset multiplot
