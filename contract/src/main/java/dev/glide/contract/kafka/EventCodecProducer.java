package dev.glide.contract.kafka;

import dev.glide.contract.EventCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.validation.Validator;

/**
 * Makes one {@link EventCodec} a bean of every service, validating with the service's own
 * Validator.
 */
@ApplicationScoped
public class EventCodecProducer {

    @Produces
    @ApplicationScoped
    EventCodec eventCodec(Validator validator) {
        return new EventCodec(validator);
    }
}
