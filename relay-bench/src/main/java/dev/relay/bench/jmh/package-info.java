/**
 * JMH micro-benchmarks of the relay's hot paths, built on the public API of relay-core. They run from the
 * shaded jar: {@code java -cp relay-bench/target/relay-bench.jar org.openjdk.jmh.Main <regex> ...}.
 * Nothing here runs during the tests.
 */
@NullMarked
package dev.relay.bench.jmh;

import org.jspecify.annotations.NullMarked;
