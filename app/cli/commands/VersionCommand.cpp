#include "CliCommand.h"

#include "taxonomy/Taxonomy.h"

namespace mas::cli {
namespace {

int runVersion(CliContext& ctx)
{
    const Taxonomy& t = Taxonomy::builtinMa52();
    ctx.out << "mastudio-cli " << MAS_VERSION << " (taxonomy " << t.version() << ": " << t.classCount()
            << " classes, " << t.bodyPartCount() << " body parts)" << Qt::endl;
    return Success;
}

const CliRegistration reg({"version", "", "print the version and the built-in taxonomy", runVersion});

} // namespace
} // namespace mas::cli
