package dev.glide.bench;

import dev.glide.contract.EventCodec;
import jakarta.validation.Validation;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * The event codec the services use, outside Quarkus: validation without an expression language on
 * the classpath.
 */
final class BenchCodec {

    private BenchCodec() {}

    static EventCodec create() {
        return new EventCodec(
                Validation.byDefaultProvider()
                        .configure()
                        .messageInterpolator(new ParameterMessageInterpolator())
                        .buildValidatorFactory()
                        .getValidator());
    }
}
