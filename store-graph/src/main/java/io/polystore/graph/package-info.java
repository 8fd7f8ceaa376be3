/**
 * The Neo4j back end: entities as nodes, {@link io.polystore.GraphOperations} as relationships,
 * {@link io.polystore.Transactional}; and {@link io.polystore.graph.EmbeddedNeo4j}, which runs
 * Neo4j inside the JVM for the {@code neo4j-embedded:} URI, tests and the bench.
 */
package io.polystore.graph;
