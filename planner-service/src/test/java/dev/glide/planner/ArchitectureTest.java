package dev.glide.planner;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The planner's packages point one way: the REST API ({@code api}) and the Kafka consumers ({@code
 * inbound}) call into the features (release, train, rollout, service, strategy, auth, cdevents),
 * which rest on the event-sourced {@code kernel}, which knows none of them.
 */
@AnalyzeClasses(
        packages = "dev.glide.planner",
        importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles =
            slices().matching("dev.glide.planner.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule theKernelKnowsNoAggregate =
            noClasses()
                    .that()
                    .resideInAPackage("..planner.kernel..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "..planner.api..",
                            "..planner.inbound..",
                            "..planner.rollout..",
                            "..planner.train..",
                            "..planner.release..",
                            "..planner.service..",
                            "..planner.strategy..",
                            "..planner.auth..",
                            "..planner.cdevents..");

    @ArchTest
    static final ArchRule featuresKnowNeitherTheApiNorTheConsumers =
            noClasses()
                    .that()
                    .resideOutsideOfPackages("..planner.api..", "..planner.inbound..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage("..planner.api..", "..planner.inbound..");

    @ArchTest
    static final ArchRule aRolloutKnowsNothingOfTrainsOrReleases =
            noClasses()
                    .that()
                    .resideInAPackage("..planner.rollout..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "..planner.train..", "..planner.release..", "..planner.cdevents..");
}
