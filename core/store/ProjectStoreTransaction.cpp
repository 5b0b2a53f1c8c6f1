// ProjectStore::inOneTransaction: several edit and bulk calls committed or rolled back together.
#include "store/ProjectStoreImpl.h"

namespace mas::store {

Status ProjectStore::inOneTransaction(const std::function<Status()>& work)
{
    Transaction tx(*d);
    if (!tx.status().ok())
        return tx.status();
    const Status done = work();
    if (!done.ok()) {
        tx.rollback();
        return done;
    }
    return tx.commit();
}

} // namespace mas::store
