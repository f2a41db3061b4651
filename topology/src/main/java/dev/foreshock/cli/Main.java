package dev.foreshock.cli;

public final class Main {
  public static void main(String[] args) {
  }
}
