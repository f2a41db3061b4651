package dev.foreshock.score;

import java.util.List;

/** A plain text table: the first row is the header, columns padded, the first column left-aligned. */
final class Table {

  private Table() {
  }

  static String render(List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int n = 0; n < rows.size(); n++) {
      String[] r = rows.get(n);
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        if (i > 0) {
          line.append("  ");
        }
        String pad = " ".repeat(width[i] - r[i].length());
        line.append(i == 0 ? r[i] + pad : pad + r[i]);
      }
      out.append(line.toString().stripTrailing()).append(System.lineSeparator());
      if (n == 0) {
        int total = 0;
        for (int w : width) {
          total += w;
        }
        out.append("-".repeat(total + 2 * (cols - 1))).append(System.lineSeparator());
      }
    }
    return out.toString();
  }
}
