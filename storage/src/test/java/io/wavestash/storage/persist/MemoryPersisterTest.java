package io.wavestash.storage.persist;

class MemoryPersisterTest extends PersisterContract {
    @Override
    protected RandomAccessPersister create() {
        return new MemoryPersister();
    }
}
