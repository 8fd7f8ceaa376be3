package io.polystore.spring;

import io.polystore.annotation.Id;

/**
 * A test entity with whole-number ids, routed to Redis.
 *
 * @param id   id
 * @param page page
 */
public record Visit(@Id Long id, String page) {
}
