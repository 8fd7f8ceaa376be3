package io.polystore.testkit.model;

import io.polystore.annotation.Id;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Edge values of every scalar type.
 *
 * @param id      text id
 * @param big     long
 * @param boxed   nullable Long
 * @param small   int
 * @param dbl     double
 * @param decimal BigDecimal, scale kept
 * @param instant Instant (microsecond precision is the contract)
 * @param offset  OffsetDateTime, offset kept
 * @param local   LocalDateTime
 * @param date    LocalDate
 * @param time    LocalTime
 * @param flag    boolean
 * @param ref     UUID
 */
public record Numbers(@Id String id, long big, Long boxed, int small, double dbl, BigDecimal decimal, Instant instant,
                      OffsetDateTime offset, LocalDateTime local, LocalDate date, LocalTime time, boolean flag, UUID ref) {
}
