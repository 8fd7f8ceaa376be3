package io.polystore.spring;

import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.annotation.Version;

/**
 * A test entity, routed to the relational store.
 *
 * @param id      id
 * @param name    name
 * @param version version
 */
public record Widget(@Id String id, @Indexed String name, @Version long version) {
}
