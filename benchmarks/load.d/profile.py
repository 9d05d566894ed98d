"""Where the CPU goes in a JFR recording of serve mode at saturation: the share of execution samples in which
each component is on the stack (a sample counts for every component on its stack), the share whose top frame is
in each component (where the time itself is spent), and the busiest threads.

    python3 profile.py RECORDING.jfr   (prints one line per component, tab-separated)
"""
import collections
import re
import subprocess
import sys

# First match wins for the top frame; every match counts for "on the stack".
COMPONENTS = [
    ("shadow read (off the caller's thread)", re.compile(r"io\.dualrepo\.internal\.ShadowReads")),
    ("comparing answers", re.compile(r"io\.dualrepo\.(compare\.|internal\.(compare\.|Judge))")),
    ("dual-repo routing/decorator", re.compile(r"io\.dualrepo\.(?!sample)")),
    ("Hibernate", re.compile(r"org\.hibernate\.")),
    ("H2", re.compile(r"org\.h2\.")),
    ("PostgreSQL driver", re.compile(r"org\.postgresql\.")),
    ("connection pool", re.compile(r"com\.zaxxer\.hikari\.")),
    ("JDK HTTP server", re.compile(r"sun\.net\.httpserver\.")),
    ("JSON (Gson)", re.compile(r"com\.google\.gson\.")),
    ("metrics (Micrometer)", re.compile(r"io\.micrometer\.")),
    ("sample app", re.compile(r"io\.dualrepo\.sample\.")),
]
# For the top frame only: where the time itself is spent.
SELF = COMPONENTS + [
    ("JDK (collections, strings, I/O, locks...)", re.compile(r"(java|javax|jdk|sun)\.")),
    ("other libraries", re.compile(r".")),
]


def main():
    text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", sys.argv[1]],
                          capture_output=True, text=True, check=True).stdout
    samples = 0
    on_stack = collections.Counter()
    threads = collections.Counter()
    self_time = collections.Counter()
    for event in text.split("jdk.ExecutionSample")[1:]:
        frames = re.findall(r"^\s+([\w$.<>]+)\(", event, flags=re.M)
        if not frames:
            continue
        samples += 1
        thread = re.search(r'sampledThread = "([^"]*)"', event)
        threads[re.sub(r"[-#]?\d+$", "-N", thread.group(1)) if thread else "?"] += 1
        self_time[next(name for name, pattern in SELF if pattern.match(frames[0]))] += 1
        seen = set()
        for frame in frames:
            for name, pattern in COMPONENTS:
                if pattern.match(frame) and name not in seen:
                    seen.add(name)
        for name in seen:
            on_stack[name] += 1
    print(f"samples\t{samples}")
    for name, _ in COMPONENTS:
        print(f"on stack: {name}\t{on_stack[name] / samples if samples else 0:.3f}")
    for name, count in self_time.most_common():
        print(f"top frame: {name}\t{count / samples:.3f}")
    for name, count in threads.most_common(5):
        print(f"thread {name}\t{count / samples:.3f}")


if __name__ == "__main__":
    main()
