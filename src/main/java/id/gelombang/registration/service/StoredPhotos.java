package id.gelombang.registration.service;

import java.util.Collection;

/**
 * Where a registration's KTP photos are stored, as erasure needs it: the registration declares what
 * it must be able to delete, and the upload feature, which stores the photos, provides it.
 */
public interface StoredPhotos {

    /** Deletes the objects; a key that does not exist counts as deleted. Blocking. */
    void deleteAll(Collection<String> keys);
}
