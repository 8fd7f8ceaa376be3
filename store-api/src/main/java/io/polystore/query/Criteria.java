package io.polystore.query;

import io.polystore.EntityRef;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A condition on entities: a small, immutable tree that every back end translates to its own
 * language with bound parameters. Build it with the static factories:
 * <pre>{@code
 * import static io.polystore.query.Criteria.*;
 * Criteria c = and(eq("status", Status.ACTIVE), gt("age", 18), startsWith("author.name", "Ada"));
 * }</pre>
 *
 * <h2>Semantics, the same on every back end</h2>
 * <ul>
 *   <li>Fields are dotted paths into nested values ({@code "address.city"}); a path that crosses a
 *       collection ({@code "comments.author"}) matches when any element matches.</li>
 *   <li>Logic is two-valued: a comparison with a missing or {@code null} value is false, and
 *       {@link #not} is plain negation, so {@code ne(f, v)} (which is {@code not(eq(f, v))}) matches
 *       entities where {@code f} is null.</li>
 *   <li>Operands are converted to the field's type ({@code "2024-05-01"} for a {@code LocalDate}),
 *       and compared by the rules of {@link io.polystore.mapping.ValueKind}.</li>
 *   <li>Operands must not be null: use {@link #isNull}.</li>
 * </ul>
 * A store that cannot answer a criterion raises {@link io.polystore.UnsupportedQueryException}
 * saying what to do instead; it never answers wrongly.
 */
public sealed interface Criteria {

    /** Comparison operators. */
    enum Op {
        /** equal */
        EQ("="),
        /** not equal (true for null values) */
        NE("<>"),
        /** less than */
        LT("<"),
        /** less than or equal */
        LE("<="),
        /** greater than */
        GT(">"),
        /** greater than or equal */
        GE(">=");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        /** @return the SQL-style symbol, for messages */
        public String symbol() {
            return symbol;
        }
    }

    /** Direction of a relationship, seen from the entity being queried. */
    enum Direction {
        /** from the queried entity to the other */
        OUTGOING,
        /** from the other entity to the queried one */
        INCOMING,
        /** either way */
        BOTH
    }

    /**
     * {@code field op value}.
     *
     * @param field a dotted path
     * @param op    the operator
     * @param value the operand, never null
     */
    record Compare(String field, Op op, Object value) implements Criteria {
        /**
         * @param field a dotted path
         * @param op    the operator
         * @param value the operand, never null
         * @throws IllegalArgumentException for a blank field or a null operand (use {@code isNull})
         */
        public Compare {
            requireField(field);
            Objects.requireNonNull(op, "op");
            requireOperand(field, value);
        }
    }

    /**
     * {@code field in (values)}; an empty list matches nothing.
     *
     * @param field  a dotted path
     * @param values the candidates, none null
     */
    record In(String field, List<Object> values) implements Criteria {
        /**
         * @param field  a dotted path
         * @param values the candidates, none null
         * @throws IllegalArgumentException for a blank field or a null candidate
         */
        public In {
            requireField(field);
            values = List.copyOf(values);
            values.forEach(v -> requireOperand(field, v));
        }
    }

    /**
     * Text starts with a prefix, compared exactly (case-sensitive; {@code %} and {@code _} are plain characters).
     *
     * @param field  a dotted path to a text field
     * @param prefix the prefix
     */
    record StartsWith(String field, String prefix) implements Criteria {
        /**
         * @param field  a dotted path to a text field
         * @param prefix the prefix
         * @throws IllegalArgumentException for a blank field or a null prefix
         */
        public StartsWith {
            requireField(field);
            requireOperand(field, prefix);
            for (int i = 0; i < prefix.length(); i++) {
                char c = prefix.charAt(i);
                boolean paired = Character.isHighSurrogate(c) && i + 1 < prefix.length() && Character.isLowSurrogate(prefix.charAt(i + 1));
                if (paired) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new IllegalArgumentException("startsWith(\"" + field + "\"): the prefix holds a lone surrogate (invalid UTF-16)"
                            + " at index " + i + "; a prefix is whole code points");
                }
            }
        }
    }

    /**
     * The field is null or absent.
     *
     * @param field a dotted path
     */
    record IsNull(String field) implements Criteria {
        /**
         * @param field a dotted path
         * @throws IllegalArgumentException for a blank field
         */
        public IsNull {
            requireField(field);
        }
    }

    /**
     * A collection field holds an element equal to the value.
     *
     * @param field a dotted path to a collection
     * @param value the element
     */
    record Contains(String field, Object value) implements Criteria {
        /**
         * @param field a dotted path to a collection
         * @param value the element
         * @throws IllegalArgumentException for a blank field or a null element
         */
        public Contains {
            requireField(field);
            requireOperand(field, value);
        }
    }

    /**
     * All of the parts; an empty list matches everything.
     *
     * @param parts the conditions
     */
    record And(List<Criteria> parts) implements Criteria {
        /**
         * Keeps a copy of the parts.
         *
         * @param parts the conditions
         */
        public And {
            parts = List.copyOf(parts);
        }
    }

    /**
     * Any of the parts; an empty list matches nothing.
     *
     * @param parts the conditions
     */
    record Or(List<Criteria> parts) implements Criteria {
        /**
         * Keeps a copy of the parts.
         *
         * @param parts the conditions
         */
        public Or {
            parts = List.copyOf(parts);
        }
    }

    /**
     * The negation.
     *
     * @param part the condition
     */
    record Not(Criteria part) implements Criteria {
        /**
         * @param part the condition
         * @throws NullPointerException for a null part
         */
        public Not {
            Objects.requireNonNull(part, "part");
        }
    }

    /**
     * The queried entity has a relationship of the given type with another entity, which may live
     * in another store. Answered by stores with {@link io.polystore.GraphOperations}, from the
     * relationships kept in that same store; where the relationships live in another store, ask that
     * store's {@link io.polystore.GraphOperations#neighbours} for the ids and use {@code findAllById}.
     *
     * @param type      the relationship type ({@code "FOLLOWS"})
     * @param direction seen from the queried entity
     * @param other     the other end
     */
    record Related(String type, Direction direction, EntityRef other) implements Criteria {
        /**
         * @param type      the relationship type ({@code "FOLLOWS"})
         * @param direction seen from the queried entity
         * @param other     the other end
         * @throws NullPointerException for a null component
         */
        public Related {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(other, "other");
        }
    }

    // ---- factories --------------------------------------------------------------------------

    /**
     * @param field a dotted path
     * @param value the operand
     * @return {@code field = value}
     */
    static Criteria eq(String field, Object value) {
        return new Compare(field, Op.EQ, value);
    }

    /**
     * @param field a dotted path
     * @param value the operand
     * @return {@code field <> value}, true when the field is null
     */
    static Criteria ne(String field, Object value) {
        return new Compare(field, Op.NE, value);
    }

    /**
     * @param field a dotted path
     * @param value the operand
     * @return {@code field < value}
     */
    static Criteria lt(String field, Object value) {
        return new Compare(field, Op.LT, value);
    }

    /**
     * @param field a dotted path
     * @param value the operand
     * @return {@code field <= value}
     */
    static Criteria le(String field, Object value) {
        return new Compare(field, Op.LE, value);
    }

    /**
     * @param field a dotted path
     * @param value the operand
     * @return {@code field > value}
     */
    static Criteria gt(String field, Object value) {
        return new Compare(field, Op.GT, value);
    }

    /**
     * @param field a dotted path
     * @param value the operand
     * @return {@code field >= value}
     */
    static Criteria ge(String field, Object value) {
        return new Compare(field, Op.GE, value);
    }

    /**
     * @param field a dotted path
     * @param values candidates
     * @return {@code field in (values)}
     */
    static Criteria in(String field, Collection<?> values) {
        return new In(field, new ArrayList<>(values));
    }

    /**
     * @param field a dotted path
     * @param values candidates
     * @return {@code field in (values)}
     */
    static Criteria in(String field, Object... values) {
        return new In(field, Arrays.asList(values));
    }

    /**
     * @param field a dotted path
     * @param prefix the prefix
     * @return text starts with prefix
     */
    static Criteria startsWith(String field, String prefix) {
        return new StartsWith(field, prefix);
    }

    /**
     * @param field a dotted path
     * @return the field is null or absent
     */
    static Criteria isNull(String field) {
        return new IsNull(field);
    }

    /**
     * @param field a dotted path
     * @return the field is neither null nor absent
     */
    static Criteria isNotNull(String field) {
        return new Not(new IsNull(field));
    }

    /**
     * @param field a collection field
     * @param value an element
     * @return the collection holds the element
     */
    static Criteria contains(String field, Object value) {
        return new Contains(field, value);
    }

    /**
     * @param parts conditions
     * @return all of them
     */
    static Criteria and(Criteria... parts) {
        return new And(Arrays.asList(parts));
    }

    /**
     * @param parts conditions
     * @return any of them
     */
    static Criteria or(Criteria... parts) {
        return new Or(Arrays.asList(parts));
    }

    /**
     * @param part a condition
     * @return its negation
     */
    static Criteria not(Criteria part) {
        return new Not(part);
    }

    /**
     * @param type      relationship type
     * @param direction seen from the queried entity
     * @param other     the other end
     * @return the queried entity is related to {@code other}
     */
    static Criteria related(String type, Direction direction, EntityRef other) {
        return new Related(type, direction, other);
    }

    /**
     * @param other a condition
     * @return {@code this and other}
     */
    default Criteria and(Criteria other) {
        return new And(List.of(this, other));
    }

    /**
     * @param other a condition
     * @return {@code this or other}
     */
    default Criteria or(Criteria other) {
        return new Or(List.of(this, other));
    }

    private static void requireField(String field) {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("field must be a non-empty dotted path");
        }
    }

    private static void requireOperand(String field, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("operand for '" + field + "' is null; use Criteria.isNull(\"" + field + "\")");
        }
    }
}
