package io.polystore.mapping;

import java.util.List;

/**
 * A resolved, dotted path into an entity ({@code "author.name"}, {@code "tags"},
 * {@code "comments.author"}, {@code "attributes.colour"} for a map key).
 *
 * @param path         the dotted path as written
 * @param segments     the path split at dots
 * @param root         the entity's top-level field the path starts at
 * @param leafType     the Java type at the end of the path (a collection for {@code tags})
 * @param leafKind     the kind at the end of the path
 * @param multiValued  whether the path crosses a collection before its end ({@code comments.author});
 *                     a comparison on such a path matches when any element matches
 */
public record PropertyPath(String path, List<String> segments, PropertyModel root, TypeRef leafType,
                           ValueKind leafKind, boolean multiValued) {

    /** @return whether the path is a single top-level field */
    public boolean isTopLevel() {
        return segments.size() == 1;
    }

    /** @return the element type when the leaf is a collection or map, else the leaf type */
    public TypeRef elementType() {
        TypeRef content = leafType.contentType();
        return content == null ? leafType : content;
    }

    /** @return the kind of the elements when the leaf is a collection, else the leaf kind */
    public ValueKind elementKind() {
        return leafKind == ValueKind.LIST ? elementType().kind() : leafKind;
    }

    @Override
    public String toString() {
        return path;
    }
}
