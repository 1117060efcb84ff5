package dev.glide.analysis.api;

import dev.glide.analysis.judge.Criteria;
import dev.glide.analysis.judge.WindowPair;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * A scenario for the offline judge: criteria (defaults where absent) and its windows, oldest first.
 */
public record JudgeRequest(
        @Valid Criteria criteria, @NotEmpty List<@NotNull @Valid WindowPair> windows) {

    public JudgeRequest {
        criteria =
                criteria == null
                        ? new Criteria(
                                null, null, null, null, null, null, null, null, null, null, null)
                        : criteria;
    }
}
