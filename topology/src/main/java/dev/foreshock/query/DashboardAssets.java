package dev.foreshock.query;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The analysts' dashboard as static files from the classpath: {@code GET /} (the page),
 * {@code GET /assets/{file}} (its script and style, {@code dashboard/} in the jar) and
 * {@code GET /assets/uplot/{file}} (the uPlot charting library from its WebJar). Nothing is
 * fetched from anywhere else; file names are checked, so no path leaves those folders.
 */
final class DashboardAssets {

  static final String PAGE_FOLDER = "dashboard/";
  static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,100}");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "map", "application/json",
      "svg", "image/svg+xml",
      "png", "image/png");

  private final ClassLoader loader = DashboardAssets.class.getClassLoader();
  private final String uplotFolder;
  private final Map<String, QueryServer.Raw> cache = new ConcurrentHashMap<>();

  DashboardAssets() {
    this.uplotFolder = "META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
  }

  void addTo(QueryServer routes) {
    routes.get("/", request -> file(PAGE_FOLDER, "index.html"));
    routes.get("/index.html", request -> file(PAGE_FOLDER, "index.html"));
    routes.get("/assets/{file}", request -> file(PAGE_FOLDER, request.param("file")));
    routes.get("/assets/uplot/{file}", request -> file(uplotFolder, request.param("file")));
  }

  private QueryServer.Raw file(String folder, String name) {
    if (!SAFE_NAME.matcher(name).matches() || name.contains("..")) {
      throw ApiException.notFound("no such asset: " + name);
    }
    String path = folder + name;
    return cache.computeIfAbsent(path, p -> read(p, name));
  }

  private QueryServer.Raw read(String path, String name) {
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        throw ApiException.notFound("no such asset: " + name);
      }
      String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
      return new QueryServer.Raw(200, TYPES.getOrDefault(ext, "application/octet-stream"), in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard asset " + path + " from the classpath", e);
    }
  }

  /** The uPlot WebJar's version, from its Maven metadata in the jar (pinned in the parent pom). */
  private String uplotVersion() {
    try (InputStream in = loader.getResourceAsStream(UPLOT_POM)) {
      if (in == null) {
        throw new IllegalStateException("the uPlot WebJar (" + UPLOT_POM + ") is not on the classpath; "
            + "the dashboard needs org.webjars.npm:uplot");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + UPLOT_POM, e);
    }
  }
}
