package io.polystore.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.Version;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.Deserializers;
import com.fasterxml.jackson.databind.ser.Serializers;
import io.polystore.mapping.Mapping;
import io.polystore.mapping.ValueType;

import java.io.IOException;

/**
 * The Jackson side of {@link Mapping#register}: every mapper built by
 * {@link io.polystore.spi.Json#newObjectMapper()} writes a registered value type as its stored
 * value and reads it back through the value type's functions. Not part of the API.
 */
public final class ValueTypesModule extends Module {
    @Override
    public String getModuleName() {
        return "polystore-value-types";
    }

    @Override
    public Version version() {
        return Version.unknownVersion();
    }

    @Override
    public void setupModule(SetupContext context) {
        context.addSerializers(new Serializers.Base() {
            @Override
            public JsonSerializer<?> findSerializer(SerializationConfig config, JavaType type, BeanDescription beanDesc) {
                ValueType<?> vt = Mapping.valueType(type.getRawClass());
                return vt == null ? null : new Writer(vt);
            }
        });
        context.addDeserializers(new Deserializers.Base() {
            @Override
            public JsonDeserializer<?> findBeanDeserializer(JavaType type, DeserializationConfig config, BeanDescription beanDesc) {
                ValueType<?> vt = Mapping.valueType(type.getRawClass());
                return vt == null ? null : new Reader(vt);
            }
        });
    }

    private static final class Writer extends JsonSerializer<Object> {
        private final ValueType<?> type;

        Writer(ValueType<?> type) {
            this.type = type;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            provider.defaultSerializeValue(type.store(value), gen);
        }
    }

    private static final class Reader extends JsonDeserializer<Object> {
        private final ValueType<?> type;

        Reader(ValueType<?> type) {
            this.type = type;
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return type.load(ctxt.readValue(p, type.storedClass()));
        }
    }
}
