package io.polystore.testkit.model;

/**
 * A nested value of {@link Person}.
 *
 * @param street street
 * @param city   city
 * @param zip    postal code
 */
public record Address(String street, String city, String zip) {
}
