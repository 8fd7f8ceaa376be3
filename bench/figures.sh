#!/usr/bin/env bash
# Reproduces the figures in docs/BENCHMARKS.md: every workload on every back end available here,
# through the repository API and the raw driver, alternating, 5 rounds each. Needs the services of
# .ci/run (PostgreSQL, MariaDB) and a built bench jar: ./mvnw -B -q -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=bench/target/polystore-bench.jar
OUT=${OUT:-bench-results}
PG=${POLYSTORE_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}
MY=${POLYSTORE_MYSQL_URL:-jdbc:mariadb://127.0.0.1:3306/test?user=root}
SQLITE=jdbc:sqlite:${TMPDIR:-/tmp}/polystore-bench/bench.db
mkdir -p "${TMPDIR:-/tmp}/polystore-bench"
REDIS=${POLYSTORE_REDIS_URL:-redis://127.0.0.1:6379}
COMMON=(--threads 8 -p recordcount=10000 -p duration=8s -p warmup=5s -p rounds=5 -p batchsize=10000 --out "$OUT")

run() { java -jar "$JAR" run "$@" "${COMMON[@]}" 2>/dev/null; }

for w in c w a b f; do run --store "$PG" --workload $w --compare api,raw; done
for w in a b c f; do run --store "$MY" --workload $w --compare api,raw; done
for w in a b c f; do run --store "$SQLITE" --workload $w --compare api,raw; done
for w in a b c f; do run --store mem: --workload $w --compare api; done
# the default client (Jedis) against both raw clients in one run, then each client against its own raw
for w in a b c w; do run --store "$REDIS" --workload $w --compare api,raw-lettuce,raw-jedis; done
for w in c w a b f; do run --store "$REDIS" --workload $w --compare api,raw -o client=lettuce; done
for w in c w a b f; do run --store "$REDIS" --workload $w --compare api,raw -o client=jedis; done
# single saves with the per-type id set kept for plain types too (store option id-set=true)
for c in lettuce jedis; do run --store "$REDIS" --workload w --compare api,raw -o client=$c -o id-set=true; done
# JSON documents on PostgreSQL (layout: document), and queries by content (columns and documents)
for w in a b c f q qi; do run --store "$PG" --workload $w --compare api,raw -o layout=document; done
for w in q qi; do run --store "$PG" --workload $w --compare api,raw; done
for store in "$MY" "$SQLITE"; do for w in q qi; do run --store "$store" --workload $w --compare api,raw -o layout=document; done; done
# embedded Neo4j: the bench starts it once; the API and neo4j-java-driver by hand share it
for w in a b c f; do run --store neo4j-embedded: --workload $w --compare api,raw; done
# the graph workload: 10 000 people following 20 each; friends, friends of friends, shortest paths
java -jar "$JAR" graph --store neo4j-embedded: --compare api,raw --threads 8 --duration 10 --warmup 30 --rounds 5 --out "$OUT" 2>/dev/null
# the TTL-heavy session workload (API vs hand-written Lettuce)
java -jar "$JAR" sessions --store "$REDIS" --compare api,raw --threads 8 --duration 10 --rounds 5 --ttl 3 --out "$OUT" 2>/dev/null

# saveAll of 10 000 records against a hand-written JDBC batch: the load phase alone, 11 rounds
for store in "$PG" "$MY" "$SQLITE" "$REDIS" neo4j-embedded:; do
  java -jar "$JAR" run --store "$store" --workload c --compare api,raw --threads 1 -p recordcount=10000 \
       -p operationcount=1000 -p warmup=2s -p rounds=11 -p batchsize=10000 --out "$OUT" 2>/dev/null
done
for c in lettuce jedis; do for s in false true; do
  java -jar "$JAR" run --store "$REDIS" --workload c --compare api,raw --threads 1 -p recordcount=10000 -o client=$c -o id-set=$s \
       -p operationcount=1000 -p warmup=2s -p rounds=11 -p batchsize=10000 --out "$OUT" 2>/dev/null
done; done
# saveAll's ceiling on this machine: redis-benchmark pipelining 16 SETs of 1 100 bytes (3 runs; take the median)
if command -v redis-benchmark >/dev/null; then
  for i in 1 2 3; do redis-benchmark -t set -P 16 -d 1100 -r 100000 -n 1000000 -q; done
fi
