/**
 * The Neo4j back end's implementation; not API. Reached through {@link io.polystore.Polystore} with a
 * {@code neo4j://}, {@code bolt://} or {@code neo4j-embedded:} store URI.
 */
package io.polystore.graph.internal;
