package id.gelombang;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The features depend one way, each only on those below it:
 * common ← wave ← registration ← {upload, verification} ← access ← retention.
 * Where a lower feature needs something done above it, it declares the port and the feature above
 * implements it (registration's {@code StoredPhotos} and {@code VoidFollowUp}, wave's
 * {@code VerificationQueues} and {@code DrawFollowUp}), so that a feature can be read, tested and
 * changed knowing only what is below it.
 */
@AnalyzeClasses(packages = "id.gelombang", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageDependenciesTest {

    private static final String COMMON = "common";
    private static final String WAVE = "wave";
    private static final String REGISTRATION = "registration";
    private static final String UPLOAD = "upload";
    private static final String VERIFICATION = "verification";
    private static final String ACCESS = "access";
    private static final String RETENTION = "retention";

    @ArchTest
    static final ArchRule featuresDependOnlyOnThoseBelow = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .ensureAllClassesAreContainedInArchitecture()
            .layer(COMMON).definedBy("id.gelombang.common..")
            .layer(WAVE).definedBy("id.gelombang.wave..")
            .layer(REGISTRATION).definedBy("id.gelombang.registration..")
            .layer(UPLOAD).definedBy("id.gelombang.upload..")
            .layer(VERIFICATION).definedBy("id.gelombang.verification..")
            .layer(ACCESS).definedBy("id.gelombang.access..")
            .layer(RETENTION).definedBy("id.gelombang.retention..")
            .whereLayer(COMMON).mayNotAccessAnyLayer()
            .whereLayer(WAVE).mayOnlyAccessLayers(COMMON)
            .whereLayer(REGISTRATION).mayOnlyAccessLayers(COMMON, WAVE)
            .whereLayer(UPLOAD).mayOnlyAccessLayers(COMMON, WAVE, REGISTRATION)
            .whereLayer(VERIFICATION).mayOnlyAccessLayers(COMMON, WAVE, REGISTRATION)
            .whereLayer(ACCESS).mayOnlyAccessLayers(COMMON, WAVE, REGISTRATION, UPLOAD, VERIFICATION)
            .whereLayer(RETENTION).mayOnlyAccessLayers(COMMON, WAVE, REGISTRATION, UPLOAD, VERIFICATION, ACCESS);

    @ArchTest
    static final ArchRule noCycleBetweenFeatures = slices().matching("id.gelombang.(*)..")
            .as("features").should().beFreeOfCycles();

    /** Every package is a slice here: a feature's root package and each of its sub-packages. */
    @ArchTest
    static final ArchRule noCycleBetweenPackages = slices().matching("id.gelombang.(**)")
            .as("packages").should().beFreeOfCycles();
}
