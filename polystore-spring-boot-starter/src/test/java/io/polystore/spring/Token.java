package io.polystore.spring;

import io.polystore.annotation.Id;

/**
 * A test entity routed to the store on the application's Redis connection factory.
 *
 * @param id   id, generated
 * @param user who it belongs to
 */
public record Token(@Id String id, String user) {
}
