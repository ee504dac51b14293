// Preloaded into the benchmarked CLI (node --require): reports the process's peak resident set size on exit.
process.on('exit', () => {
  process.stderr.write(
    `${JSON.stringify({ event: 'peak-rss', maxRssKb: process.resourceUsage().maxRSS })}\n`,
  );
});
