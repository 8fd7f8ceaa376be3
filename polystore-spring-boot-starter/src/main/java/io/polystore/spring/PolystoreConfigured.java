package io.polystore.spring;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@code polystore.config} or any {@code polystore.stores.*} property is set. */
class PolystoreConfigured implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        if (context.getEnvironment().containsProperty("polystore.config")) {
            return true;
        }
        return Binder.get(context.getEnvironment()).bind("polystore.stores", Bindable.mapOf(String.class, Object.class)).isBound();
    }
}
