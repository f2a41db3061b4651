package dev.foreshock.detect.errors;

/**
 * Requests and server errors (5xx) of one service in one window, summed over its instances: the
 * value of the {@code error-windows} store that the query API reads.
 *
 * @param windowStart start of the window, epoch ms (inclusive)
 * @param windowEnd end of the window, epoch ms (exclusive)
 * @param requests requests in the window
 * @param errors server errors in the window
 * @param errorRatio {@code errors / requests} (0 when there were no requests)
 * @param baselineRatio the service's baseline when the window was judged; null while the window
 *     is open or while the service is still warming up
 * @param closed whether the window has been judged (its end plus the grace has passed)
 */
public record ErrorWindow(
    long windowStart,
    long windowEnd,
    long requests,
    long errors,
    double errorRatio,
    Double baselineRatio,
    boolean closed) {

  static ErrorWindow open(long windowStart, long windowEnd, long requests, long errors) {
    return new ErrorWindow(windowStart, windowEnd, requests, errors, ratio(requests, errors), null, false);
  }

  ErrorWindow plus(long moreRequests, long moreErrors) {
    long r = requests + moreRequests;
    long e = errors + moreErrors;
    return new ErrorWindow(windowStart, windowEnd, r, e, ratio(r, e), baselineRatio, closed);
  }

  ErrorWindow judged(Double baseline) {
    return new ErrorWindow(windowStart, windowEnd, requests, errors, errorRatio, baseline, true);
  }

  static double ratio(long requests, long errors) {
    return requests <= 0 ? 0.0 : (double) errors / requests;
  }
}
