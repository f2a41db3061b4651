package dev.foreshock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code foreshock query ...}: asks a running instance's query API (contract section 6) and prints
 * tables for people at a terminal, or the raw JSON with {@code --json}. Exit status: 0 answered;
 * 2 bad usage or a parameter the API rejected (400); 1 anything else (unknown key, unreachable,
 * not ready).
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Asks a running Foreshock (run or demo) what it knows: incidents, memory trends, "
        + "connection and error figures, health. Any instance answers for any key.",
    synopsisSubcommandLabel = "WHAT",
    subcommands = {
        QueryCommand.Incidents.class, QueryCommand.Incident.class, QueryCommand.Memory.class,
        QueryCommand.Connections.class, QueryCommand.Errors.class, QueryCommand.Health.class},
    footer = {"", "Times (--from, --to) are epoch milliseconds or ISO-8601 (2025-09-17T01:00:00Z).",
        "Exit status: 0 answered; 2 bad usage or a parameter the API rejected; 1 unknown key, "
            + "unreachable or not ready."})
final class QueryCommand implements Runnable {

  @Spec private CommandSpec spec;

  @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080", scope = ScopeType.INHERIT,
      description = "The query API of any instance (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the API's JSON answer as it is.")
  boolean json;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "Missing what to ask: one of " + spec.subcommands().keySet());
  }

  /** GETs {@code path}; prints the error and returns null unless the answer is 200. */
  private Answer get(CommandSpec command, String path) throws IOException, InterruptedException {
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    URI uri;
    try {
      uri = URI.create(base + path);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--url " + url + " is not a URL: " + e.getMessage());
    }
    HttpResponse<String> response;
    try {
      response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new IOException("cannot reach the query API at " + base + " (is foreshock run or demo running there?"
          + " see --url)", e);
    }
    JsonNode body;
    try {
      body = mapper.readTree(response.body());
    } catch (IOException e) {
      throw new IOException(base + path + " answered " + response.statusCode() + " with something not JSON: "
          + abbreviate(response.body(), 200), e);
    }
    return new Answer(response.statusCode(), body, response.headers().firstValue("Retry-After").orElse(null));
  }

  private record Answer(int status, JsonNode body, String retryAfter) {}

  /** Prints the answer (JSON or table) and returns the exit status. */
  private int show(CommandSpec command, String path, TablePrinter printer) throws IOException, InterruptedException {
    Answer answer = get(command, path);
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    if (answer.status() != 200) {
      String message = answer.body().path("error").asText(answer.body().toString());
      err.println("foreshock query " + command.name() + ": " + answer.status() + " " + message
          + (answer.retryAfter() != null ? " (try again in " + answer.retryAfter() + " s)" : ""));
      err.flush();
      return answer.status() == 400 ? ExitStatus.USAGE : ExitStatus.FAILURE;
    }
    if (json) {
      out.println(mapper.writeValueAsString(answer.body()));
    } else {
      printer.print(answer.body(), out);
    }
    out.flush();
    return ExitStatus.OK;
  }

  @FunctionalInterface
  private interface TablePrinter {
    void print(JsonNode answer, PrintWriter out);
  }

  static String query(Map<String, Object> params) {
    StringBuilder sb = new StringBuilder();
    params.forEach((k, v) -> {
      if (v != null) {
        sb.append(sb.length() == 0 ? "?" : "&").append(k).append('=')
            .append(URLEncoder.encode(v.toString(), StandardCharsets.UTF_8));
      }
    });
    return sb.toString();
  }

  static String segment(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Command(name = "incidents", mixinStandardHelpOptions = true,
      description = "Current candidates and incidents, newest first, from every instance.")
  static final class Incidents implements Callable<Integer> {
    @ParentCommand private QueryCommand parent;
    @Spec private CommandSpec spec;

    @Option(names = "--status", paramLabel = "STATUS", defaultValue = "OPEN",
        description = "OPEN (open or updated), UPDATED, RESOLVED or ALL (default: ${DEFAULT-VALUE}).")
    String status;

    @Option(names = "--type", paramLabel = "TYPE", description = "Only this type, e.g. MEMORY_GROWTH.")
    String type;

    @Option(names = "--subject", paramLabel = "SUBJECT", description = "Only this subject.")
    String subject;

    @Option(names = "--limit", paramLabel = "N", description = "At most N (default 100).")
    Integer limit;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("status", status);
      p.put("type", type);
      p.put("subject", subject);
      p.put("limit", limit);
      return parent.show(spec, "/api/v1/incidents" + query(p), (answer, out) -> {
        Table t = new Table("ID", "TYPE", "SEVERITY", "STATUS", "SUBJECT", "TIME", "SUMMARY");
        for (JsonNode c : answer.path("incidents")) {
          t.row(c.path("id").asText(), c.path("type").asText(), c.path("severity").asText(), c.path("status").asText(),
              c.path("subject").asText(), time(c.path("ts")), abbreviate(c.path("summary").asText(), 80));
        }
        t.print(out);
        out.println(answer.path("count").asInt() + " of " + answer.path("total").asInt() + " ("
            + status.toUpperCase(Locale.ROOT) + ")");
      });
    }
  }

  @Command(name = "incident", mixinStandardHelpOptions = true, description = "One candidate with its evidence and history.")
  static final class Incident implements Callable<Integer> {
    @ParentCommand private QueryCommand parent;
    @Spec private CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The candidate's id (from 'query incidents').")
    String id;

    @Override
    public Integer call() throws Exception {
      return parent.show(spec, "/api/v1/incidents/" + segment(id), (c, out) -> {
        fields(out, "id", c.path("id").asText(), "type", c.path("type").asText(), "subject", c.path("subject").asText(),
            "severity", c.path("severity").asText(), "status", c.path("status").asText(), "time", time(c.path("ts")),
            "window", time(c.path("windowStart")) + " .. " + time(c.path("windowEnd")),
            "summary", c.path("summary").asText(), "related", join(c.path("related")));
        Table evidence = new Table("EVIDENCE", "VALUE");
        c.path("evidence").fields().forEachRemaining(e -> evidence.row(e.getKey(), number(e.getValue())));
        out.println();
        evidence.print(out);
        if (c.path("probableCauses").size() > 0) {
          out.println();
          out.println("Probable causes, most likely first:");
          c.path("probableCauses").forEach(p -> out.println("  " + p.asText()));
        }
        Table history = new Table("TIME", "STATUS", "SEVERITY", "SUMMARY");
        c.path("history").forEach(h -> history.row(time(h.path("ts")), h.path("status").asText(),
            h.path("severity").asText(), abbreviate(h.path("summary").asText(), 80)));
        out.println();
        history.print(out);
      });
    }
  }

  @Command(name = "memory", mixinStandardHelpOptions = true,
      description = "A resource's latest memory figures and its trend per horizon.")
  static final class Memory implements Callable<Integer> {
    @ParentCommand private QueryCommand parent;
    @Spec private CommandSpec spec;

    @Parameters(paramLabel = "RESOURCE", description = "e.g. redis-queue")
    String resource;

    @Option(names = "--windows", paramLabel = "N", description = "Summarize the newest N windows (default 10).")
    Integer windows;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("windows", windows);
      return parent.show(spec, "/api/v1/memory/" + segment(resource) + query(p), (m, out) -> {
        JsonNode latest = m.path("latest");
        fields(out, "resource", m.path("resource").asText(), "as of", time(m.path("ts")),
            "used", bytes(m.path("lastUsedBytes")) + " of " + bytes(m.path("limitBytes"))
                + (m.path("usedFraction").isNumber() ? String.format(Locale.ROOT, " (%.1f%%)",
                100 * m.path("usedFraction").asDouble()) : ""),
            "growth", m.path("growthSeverity").isNull() ? "none" : m.path("growthSeverity").asText(),
            "rapid rise", m.path("rapidRise").asBoolean() ? "yes" : "no",
            "latest", latest.path("windows").asInt() + " windows from " + time(latest.path("from")) + ": min "
                + bytes(latest.path("minUsedBytes")) + ", max " + bytes(latest.path("maxUsedBytes")) + ", "
                + latest.path("samples").asLong() + " samples");
        Table t = new Table("HORIZON", "POINTS", "SLOPE/S", "R2", "EXHAUSTED IN", "ONSET");
        for (JsonNode h : m.path("horizons")) {
          t.row(duration(h.path("horizonSeconds").asDouble()), h.path("points").asText(),
              bytes(h.path("slopeBytesPerSecond").asDouble()), number(h.path("r2")),
              h.path("secondsToExhaustion").isNumber() ? duration(h.path("secondsToExhaustion").asDouble()) : "-",
              time(h.path("onsetTs")));
        }
        out.println();
        t.print(out);
      });
    }
  }

  /** The {@code --from}/{@code --to} of the windowed endpoints. */
  static final class TimeRange {
    @Option(names = "--from", paramLabel = "TIME", description = "Start (default: an hour before --to).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "End (default: the newest window).")
    String to;

    String query() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("from", from);
      p.put("to", to);
      return QueryCommand.query(p);
    }
  }

  @Command(name = "connections", mixinStandardHelpOptions = true,
      description = "A target's connection figures per window, its bursts and recycling period.")
  static final class Connections implements Callable<Integer> {
    @ParentCommand private QueryCommand parent;
    @Spec private CommandSpec spec;

    @Parameters(paramLabel = "TARGET", description = "e.g. postgres-main")
    String target;

    @Mixin TimeRange range;

    @Override
    public Integer call() throws Exception {
      return parent.show(spec, "/api/v1/connections/" + segment(target) + range.query(), (c, out) -> {
        Table t = new Table("WINDOW", "OPENS", "CLOSES", "FAILURES", "INSTANCES", "FLEET", "FLEET%", "SPAN OPENS",
            "BASELINE", "BURST", "FAILING");
        for (JsonNode w : c.path("windows")) {
          t.row(time(w.path("windowStart")), w.path("opens").asText(), w.path("closes").asText(),
              w.path("failures").asText(), w.path("instances").asText(), w.path("fleetSize").asText(),
              percent(w.path("fleetFraction")), w.path("spanOpens").asText(), number(w.path("baselineOpens")),
              w.path("burst").asBoolean() ? "yes" : "", w.path("failing").asBoolean() ? "yes" : "");
        }
        t.print(out);
        out.println(c.path("count").asInt() + " windows from " + time(c.path("from")) + " to " + time(c.path("to")));
        JsonNode pattern = c.path("pattern");
        if (pattern.isObject()) {
          out.println();
          fields(out, "fleet", pattern.path("fleetSize").asText() + " instances",
              "period", pattern.path("periodSeconds").asDouble() > 0
                  ? duration(pattern.path("periodSeconds").asDouble()) + " (" + pattern.path("periodBursts").asInt()
                  + " bursts on the grid, fleet " + percent(pattern.path("fleetFraction")) + ")" : "none",
              "burst", text(pattern.path("burstSeverity")), "recycling", text(pattern.path("periodicSeverity")),
              "failures", text(pattern.path("failureSeverity")));
          Table bursts = new Table("BURST START", "END", "OPENS", "BASELINE", "INSTANCES", "FLEET%", "FAILURES");
          for (JsonNode b : pattern.path("bursts")) {
            bursts.row(time(b.path("startTs")), time(b.path("endTs")), b.path("opens").asText(), number(b.path("baseline")),
                b.path("instances").asText(), percent(b.path("fleetFraction")), b.path("failures").asText());
          }
          if (pattern.path("bursts").size() > 0) {
            out.println();
            bursts.print(out);
          }
        }
      });
    }
  }

  @Command(name = "errors", mixinStandardHelpOptions = true,
      description = "A service's requests, errors and error ratio per window against its baseline.")
  static final class Errors implements Callable<Integer> {
    @ParentCommand private QueryCommand parent;
    @Spec private CommandSpec spec;

    @Parameters(paramLabel = "SERVICE", description = "e.g. search-api")
    String service;

    @Mixin TimeRange range;

    @Override
    public Integer call() throws Exception {
      return parent.show(spec, "/api/v1/errors/" + segment(service) + range.query(), (e, out) -> {
        Table t = new Table("WINDOW", "REQUESTS", "ERRORS", "RATIO", "BASELINE", "CLOSED");
        for (JsonNode w : e.path("windows")) {
          t.row(time(w.path("windowStart")), w.path("requests").asText(), w.path("errors").asText(),
              percent(w.path("errorRatio")), w.path("baselineRatio").isNumber() ? percent(w.path("baselineRatio")) : "-",
              w.path("closed").asBoolean() ? "yes" : "no");
        }
        t.print(out);
        out.println(e.path("count").asInt() + " windows from " + time(e.path("from")) + " to " + time(e.path("to")));
        JsonNode b = e.path("baseline");
        if (b.isObject()) {
          out.println();
          fields(out, "baseline", b.path("baselineRatio").isNumber() ? percent(b.path("baselineRatio"))
                  + " over " + b.path("baselineWindows").asInt() + " windows" : "warming up",
              "spike", b.path("severity").isNull() ? "none" : b.path("severity").asText() + " since "
                  + time(b.path("onsetTs")));
        }
      });
    }
  }

  @Command(name = "health", mixinStandardHelpOptions = true, description = "Whether the instance is running and ready.")
  static final class Health implements Callable<Integer> {
    @ParentCommand private QueryCommand parent;
    @Spec private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return parent.show(spec, "/ready", (r, out) -> out.println(r.path("status").asText() + ", "
          + r.path("instances").asInt() + " instance" + (r.path("instances").asInt() == 1 ? "" : "s")));
    }
  }

  // ---- formatting

  /** A text table: columns as wide as their widest cell, numbers right-aligned. */
  static final class Table {
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
      this.headers = headers;
    }

    void row(String... cells) {
      rows.add(cells);
    }

    void print(PrintWriter out) {
      if (rows.isEmpty()) {
        out.println("(none)");
        return;
      }
      int[] widths = new int[headers.length];
      boolean[] numeric = new boolean[headers.length];
      for (int i = 0; i < headers.length; i++) {
        widths[i] = headers[i].length();
        numeric[i] = true;
      }
      for (String[] r : rows) {
        for (int i = 0; i < r.length; i++) {
          widths[i] = Math.max(widths[i], r[i].length());
          numeric[i] &= r[i].isEmpty() || r[i].equals("-") || r[i].matches("-?[0-9.,]+( ?[a-zA-Z%/]+)?");
        }
      }
      line(out, headers, widths, new boolean[headers.length]);
      for (String[] r : rows) {
        line(out, r, widths, numeric);
      }
    }

    private static void line(PrintWriter out, String[] cells, int[] widths, boolean[] right) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < cells.length; i++) {
        String c = cells[i];
        String pad = " ".repeat(widths[i] - c.length());
        sb.append(right[i] ? pad + c : (i == cells.length - 1 ? c : c + pad));
        if (i < cells.length - 1) {
          sb.append("  ");
        }
      }
      out.println(sb.toString().stripTrailing());
    }
  }

  private static void fields(PrintWriter out, String... namesAndValues) {
    int width = 0;
    for (int i = 0; i < namesAndValues.length; i += 2) {
      width = Math.max(width, namesAndValues[i].length());
    }
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.println(namesAndValues[i] + " ".repeat(width - namesAndValues[i].length()) + "  " + namesAndValues[i + 1]);
    }
  }

  static String time(JsonNode epochMillis) {
    return epochMillis.isNumber() ? Instant.ofEpochMilli(epochMillis.asLong()).toString() : "-";
  }

  static String text(JsonNode n) {
    return n.isNull() || n.isMissingNode() ? "none" : n.asText();
  }

  static String number(JsonNode n) {
    return n.isNumber() ? number(n.asDouble()) : "-";
  }

  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.3f", v);
  }

  static String percent(JsonNode fraction) {
    return fraction.isNumber() ? String.format(Locale.ROOT, "%.1f%%", 100 * fraction.asDouble()) : "-";
  }

  static String bytes(JsonNode n) {
    return n.isNumber() ? bytes(n.asDouble()) : "-";
  }

  static String bytes(double b) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = Math.abs(b);
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", Math.signum(b) * v, units[u]);
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s >= 86_400 && s % 3600 == 0 || s >= 7 * 86_400) {
      return String.format(Locale.ROOT, "%.1fd", s / 86_400.0).replace(".0d", "d");
    }
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%.1fh", s / 3600.0).replace(".0h", "h");
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%.1fmin", s / 60.0).replace(".0min", "min");
    }
    return s + "s";
  }

  private static String join(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
      out.add(it.next().asText());
    }
    return out.isEmpty() ? "-" : String.join(", ", out);
  }

  static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
