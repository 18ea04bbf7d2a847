package io.beacon.service.auth;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code beacon keys mint --scope S [--scope S...] [--name N]}: makes a new API key. */
public final class KeysCommand {

  public static final String USAGE = """
      Usage: beacon keys mint --scope SCOPE [--scope SCOPE ...] [--name NAME]

        --scope  advertiser:{id} (reads that advertiser, and sends its events when the collector
                 wants keys), read:all (reads every advertiser), or admin (everything); repeat for several
        --name   a label for logs, e.g. the client's name (default: unnamed)

      Prints the key once, and the line to add to the keys file named by BEACON_AUTH_KEYS_FILE.
      Beacon picks up a changed keys file within a second; delete a line to revoke its key.
      """;

  private KeysCommand() {}

  /** Runs the command; the exit status. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || !args.get(0).equals("mint")) {
      err.print(USAGE);
      return args.isEmpty() || args.get(0).equals("--help") ? 0 : 2;
    }
    List<Scope> scopes = new ArrayList<>();
    String name = "unnamed";
    try {
      for (int i = 1; i < args.size(); i++) {
        String option = args.get(i);
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args.get(++i);
        switch (option) {
          case "--scope" -> scopes.add(Scope.parse(value));
          case "--name" -> name = value;
          default -> throw new IllegalArgumentException("unknown option '" + option + "'");
        }
      }
      ApiKey.Minted minted = ApiKey.mint(name, scopes);
      out.println("API key (shown only now; Beacon keeps a salted hash):");
      out.println("  " + minted.key());
      out.println("Line for the keys file (BEACON_AUTH_KEYS_FILE):");
      out.println(minted.line());
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("beacon keys: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
  }
}
