package io.polystore.spi;

import io.polystore.UnsupportedQueryException;
import io.polystore.mapping.EntityModel;
import io.polystore.mapping.PropertyPath;
import io.polystore.mapping.ValueKind;
import io.polystore.query.Criteria;

import java.util.ArrayList;
import java.util.List;

/**
 * A query condition lowered for printing: paths resolved and checked, operands converted to the
 * stored form of their field's kind, {@code ne} rewritten as a negated equality, and the null rules
 * of {@link Criteria} made explicit. A back end prints it in its own language (SQL, SQL++, Mango,
 * Cypher) and decides nothing about semantics.
 *
 * <p><b>The null rule.</b> The API's logic is two-valued: a comparison with a missing or null value
 * is false. Query languages with three-valued logic (SQL, SQL++, Cypher) give <i>unknown</i>
 * instead, which is harmless under {@code AND} and {@code OR} alone (unknown selects a row exactly
 * when false would: never) but not under {@code NOT}, where {@code NOT unknown} is still unknown
 * while the API wants true. So every leaf that sits under a {@link Not} is marked
 * {@code guarded}: a printer must make it false, never unknown, when its field is null (in SQL:
 * {@code (x IS NOT NULL AND x = ?)}). Unguarded leaves may be printed bare, which computes the
 * field's expression once instead of twice.
 *
 * <p>Made by {@link #of}; see {@link LoweredQuery} for sort keys and the keyset cursor.
 */
public sealed interface Lowered {

    /**
     * A field as a printer compares it.
     *
     * @param path     the resolved path
     * @param kind     the kind of value at the path (for {@link Contains}: {@link ValueKind#LIST})
     * @param tieBreak whether this is the id appended to a sort order as its final key (printers may
     *                 print it as the bare primary key); a criterion on the id field is not a tie-break
     */
    record Field(PropertyPath path, ValueKind kind, boolean tieBreak) {
        /** @return the dotted path */
        public String name() {
            return path.toString();
        }
    }

    /**
     * {@code field op operand}, where op is never {@code NE} (lowered to {@code Not(Compare(EQ))}).
     *
     * @param field   a scalar field
     * @param op      EQ, LT, LE, GT or GE; the order ones only on ordered kinds
     * @param operand the stored form of the operand, never null
     * @param guarded whether a null field must make it false rather than unknown (see the class comment)
     */
    record Compare(Field field, Criteria.Op op, Object operand, boolean guarded) implements Lowered {
    }

    /**
     * The field equals one of the operands.
     *
     * @param field    a scalar field
     * @param operands stored forms, none null, at least one (an empty {@code in} lowers to {@link Constant#FALSE})
     * @param guarded  as in {@link Compare}
     */
    record In(Field field, List<Object> operands, boolean guarded) implements Lowered {
    }

    /**
     * The text field starts with the prefix (by code points: no pattern characters).
     *
     * @param field   a text field
     * @param prefix  the prefix, as given
     * @param guarded as in {@link Compare}
     */
    record StartsWith(Field field, String prefix, boolean guarded) implements Lowered {
    }

    /** @param field any field; true when it is missing or null */
    record IsNull(Field field) implements Lowered {
    }

    /** @param field a scalar field; true when it is present and not null (made by keyset expansion) */
    record NotNull(Field field) implements Lowered {
    }

    /**
     * The list field has an element equal to the operand; false when the list is missing or null.
     *
     * @param field       a list field
     * @param elementKind the kind of its elements
     * @param element     the operand, in the stored form of the element kind
     */
    record Contains(Field field, ValueKind elementKind, Object element) implements Lowered {
    }

    /** @param parts at least one part (an empty conjunction lowers to {@link Constant#TRUE}) */
    record And(List<Lowered> parts) implements Lowered {
    }

    /** @param parts at least one part (an empty disjunction lowers to {@link Constant#FALSE}) */
    record Or(List<Lowered> parts) implements Lowered {
    }

    /** @param part the negated condition, whose leaves are all guarded */
    record Not(Lowered part) implements Lowered {
    }

    /** @param criterion a relationship criterion, for stores with a graph; others refuse it with {@link #unsupported} */
    record Related(Criteria.Related criterion) implements Lowered {
    }

    /** A condition that needs no field. */
    enum Constant implements Lowered {
        /** every entity */
        TRUE,
        /** no entity */
        FALSE
    }

    /**
     * Lowers criteria, checking them with the messages every back end gives.
     *
     * @param model    the entity's mapping
     * @param criteria the criteria
     * @return the lowered condition
     * @throws UnsupportedQueryException for unknown fields, unfit operands or operators
     */
    static Lowered of(EntityModel<?> model, Criteria criteria) {
        return lower(model, criteria, false);
    }

    private static Lowered lower(EntityModel<?> model, Criteria criteria, boolean negated) {
        if (criteria instanceof Criteria.Compare c) {
            PropertyPath path = scalarPath(model, c.field(), "compare");
            Object operand = model.storedOperand(path, path.leafType(), c.value());
            ValueKind kind = path.leafKind();
            if (c.op() != Criteria.Op.EQ && c.op() != Criteria.Op.NE && !kind.isOrdered()) {
                throw new UnsupportedQueryException(model.name() + "." + path + ": " + kind + " values are not ordered; "
                        + c.op().symbol() + " is not defined on them");
            }
            Field field = new Field(path, kind, false);
            if (c.op() == Criteria.Op.NE) {
                return new Not(new Compare(field, Criteria.Op.EQ, operand, true));
            }
            return new Compare(field, c.op(), operand, negated);
        }
        if (criteria instanceof Criteria.In in) {
            PropertyPath path = scalarPath(model, in.field(), "in");
            List<Object> operands = new ArrayList<>(in.values().size());
            for (Object v : in.values()) {
                operands.add(model.storedOperand(path, path.leafType(), v));
            }
            return operands.isEmpty() ? Constant.FALSE
                    : new In(new Field(path, path.leafKind(), false), List.copyOf(operands), negated);
        }
        if (criteria instanceof Criteria.StartsWith s) {
            PropertyPath path = model.path(s.field());
            if (path.leafKind() != ValueKind.STRING) {
                throw new UnsupportedQueryException(model.name() + "." + path + ": startsWith needs a text field, but it is "
                        + path.leafKind());
            }
            return new StartsWith(new Field(path, ValueKind.STRING, false), s.prefix(), negated);
        }
        if (criteria instanceof Criteria.IsNull n) {
            PropertyPath path = model.path(n.field());
            return new IsNull(new Field(path, path.leafKind(), false));
        }
        if (criteria instanceof Criteria.Contains c) {
            PropertyPath path = model.path(c.field());
            if (path.leafKind() != ValueKind.LIST) {
                throw new UnsupportedQueryException(model.name() + "." + path + ": contains needs a collection field, but it is "
                        + path.leafKind() + "; use eq");
            }
            Object element = model.storedOperand(path, path.elementType(), c.value());
            return new Contains(new Field(path, ValueKind.LIST, false), path.elementKind(), element);
        }
        if (criteria instanceof Criteria.And and) {
            return and.parts().isEmpty() ? Constant.TRUE : new And(lowerAll(model, and.parts(), negated));
        }
        if (criteria instanceof Criteria.Or or) {
            return or.parts().isEmpty() ? Constant.FALSE : new Or(lowerAll(model, or.parts(), negated));
        }
        if (criteria instanceof Criteria.Not not) {
            return new Not(lower(model, not.part(), true));
        }
        if (criteria instanceof Criteria.Related r) {
            return new Related(r);
        }
        throw new UnsupportedQueryException("unknown criterion " + criteria);
    }

    private static List<Lowered> lowerAll(EntityModel<?> model, List<Criteria> parts, boolean negated) {
        List<Lowered> out = new ArrayList<>(parts.size());
        for (Criteria c : parts) {
            out.add(lower(model, c, negated));
        }
        return List.copyOf(out);
    }

    private static PropertyPath scalarPath(EntityModel<?> model, String field, String op) {
        PropertyPath path = model.path(field);
        if (!path.leafKind().isScalar()) {
            throw new UnsupportedQueryException(model.name() + "." + path + ": '" + op + "' compares single values, but the field is a "
                    + path.leafKind() + (path.leafKind() == ValueKind.LIST ? "; use contains" : "; compare its nested fields by path"));
        }
        return path;
    }

    /**
     * The refusal of every store without a graph.
     *
     * @param model the entity's mapping
     * @param r     the relationship criterion
     * @return the exception to throw
     */
    static UnsupportedQueryException unsupported(EntityModel<?> model, Criteria.Related r) {
        return new UnsupportedQueryException(model.name() + ": related(" + r.type() + ", " + r.direction() + ", "
                + r.other() + ") needs a store with GraphOperations; route " + model.type().getSimpleName()
                + " to a graph store, or find the ids with GraphOperations.neighbours and use findAllById");
    }

    /**
     * Checks that no part of a condition needs a graph, for stores that have none.
     *
     * @param model   the entity's mapping
     * @param lowered a lowered condition
     * @throws UnsupportedQueryException naming the first relationship criterion found
     */
    static void requireNoRelated(EntityModel<?> model, Lowered lowered) {
        if (lowered instanceof Related r) {
            throw unsupported(model, r.criterion());
        }
        if (lowered instanceof And a) {
            a.parts().forEach(p -> requireNoRelated(model, p));
        } else if (lowered instanceof Or o) {
            o.parts().forEach(p -> requireNoRelated(model, p));
        } else if (lowered instanceof Not n) {
            requireNoRelated(model, n.part());
        }
    }
}
