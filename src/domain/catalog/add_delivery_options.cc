// AmiProduct@1.0 AddDeliveryOptions: a new version of the product, from one of the seller's own
// AMIs in us-east-1. The marketplace "ingests" the image: it checks it as AWS's scan would
// (owner, region, encryption, architecture, virtualization, no product code yet) and makes its
// own copy in us-east-1 and in every region of the product, owned by aws-marketplace and
// carrying the product code. Supports Intent=VALIDATE (then no copy is made).
#include "core/ids.h"
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/delivery_options.h"
#include "domain/catalog/instance_types.h"
#include "domain/catalog/product_document.h"
#include "domain/catalog/product_lists.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

constexpr std::string_view kIngestRegion = "us-east-1";

std::string Str(const bj::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

class AddDeliveryOptions final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "AddDeliveryOptions"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    const auto& o = details.get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(o, {"Version", "DeliveryOptions"}, field));
    const auto* version = o.if_contains("Version");
    if (version == nullptr) return ValidationError(fmt::format("{}.Version: is required", field));
    std::string vf = validate::Join(field, "Version");
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(*version, vf));
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(version->get_object(), {"VersionTitle", "ReleaseNotes"}, vf));
    AMIPLACE_RETURN_IF_ERROR(validate::String(version->get_object(), "VersionTitle", vf, {.min = 1, .max = 64}, true));
    AMIPLACE_RETURN_IF_ERROR(validate::String(version->get_object(), "ReleaseNotes", vf, {.min = 1, .max = 30000}, true));
    const bj::array* options = nullptr;
    AMIPLACE_RETURN_IF_ERROR(validate::Array(o, "DeliveryOptions", field, {.min = 1, .max = 1}, &options, true));
    std::string of = fmt::format("{}.DeliveryOptions[0]", field);
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject((*options)[0], of));
    const auto& option = (*options)[0].get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(option, {"Details", "DetailsDocument"}, of));
    const bj::object* d = delivery::OptionDetails(option);
    if (d == nullptr) {
      return ValidationError(fmt::format("{}.Details: is required (an object with AmiDeliveryOptionDetails)", of));
    }
    std::string df = validate::Join(of, option.contains("Details") ? "Details" : "DetailsDocument");
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(*d, {"AmiDeliveryOptionDetails"}, df));
    const auto* ami = d->if_contains("AmiDeliveryOptionDetails");
    if (ami == nullptr) {
      return ValidationError(fmt::format(
          "{}.AmiDeliveryOptionDetails: is required (amiplace delivers single-AMI versions)", df));
    }
    return delivery::ValidateAmiDetails(*ami, validate::Join(df, "AmiDeliveryOptionDetails"), false);
  }

  std::vector<ErrorDetail> Apply(ApplyContext& ctx, Entity* target, const bj::value& details,
                                 std::string*) const override {
    const auto& in = details.get_object();
    const auto& version_in = in.at("Version").get_object();
    const auto& ami = delivery::OptionDetails(in.at("DeliveryOptions").get_array()[0].get_object())
                          ->at("AmiDeliveryOptionDetails").get_object();
    const auto& source_in = ami.at("AmiSource").get_object();
    std::string title = Str(version_in, "VersionTitle");
    std::string ami_id = Str(source_in, "AmiId");
    bj::object doc = target->details;

    std::vector<ErrorDetail> errors = delivery::CheckAmiDetails(ami);
    for (const auto& v : product::ArrayOf(doc, "Versions")) {
      if (v.is_object() && Str(v.get_object(), "VersionTitle") == title) {
        errors.push_back({"DUPLICATE_VERSION_TITLE",
                          fmt::format("Version.VersionTitle: the product already has a version '{}'", title)});
      }
    }
    // Ingestion: the image must be the seller's own, available, in us-east-1.
    std::optional<Image> image = ctx.FindImage(kIngestRegion, ami_id);
    if (!image || !image->IsAvailable()) {
      errors.push_back({"ASSET_NOT_FOUND",
                        fmt::format("AmiSource.AmiId: image {} was not found in {}; register it there "
                                    "with RegisterImage first", ami_id, kIngestRegion)});
    } else if (image->owner_account_id != ctx.owner().account_id) {
      errors.push_back({"INVALID_AMI_ID",
                        fmt::format("AmiSource.AmiId: image {} is not owned by account {}", ami_id,
                                    ctx.owner().account_id)});
    } else {
      if (!image->product_codes.empty()) {
        errors.push_back({"EXISTING_AMI_PRODUCT_CODE",
                          fmt::format("AmiSource.AmiId: image {} already carries product code {}", ami_id,
                                      image->product_codes[0].product_code_id)});
      }
      if (image->architecture != "x86_64" && image->architecture != "arm64") {
        errors.push_back({"INVALID_AMI_ARCHITECTURE",
                          fmt::format("AmiSource.AmiId: architecture {} is not supported; use x86_64 or arm64",
                                      image->architecture)});
      }
      if (image->virtualization_type != "hvm") {
        errors.push_back({"INVALID_AMI_VIRTUALIZATION_TYPE",
                          fmt::format("AmiSource.AmiId: virtualization type {} is not supported; use hvm",
                                      image->virtualization_type)});
      }
      for (const auto& m : image->block_device_mappings) {
        if (m.ebs && m.ebs->encrypted) {
          errors.push_back({"SCAN_ERROR",
                            fmt::format("AmiSource.AmiId: the scan could not read {} ({}): its EBS "
                                        "snapshot {} is encrypted; share an unencrypted image",
                                        ami_id, m.device_name, m.ebs->snapshot_id)});
        }
      }
      auto arch = instance_types::ArchitectureOf(Str(ami, "RecommendedInstanceType"));
      auto image_arch = instance_types::ParseArchitecture(image->architecture);
      if (arch && image_arch && *arch != *image_arch) {
        errors.push_back({"INVALID_RECOMMENDED_INSTANCE_TYPE",
                          fmt::format("RecommendedInstanceType: {} runs {} images, but {} is {}",
                                      Str(ami, "RecommendedInstanceType"),
                                      instance_types::ArchitectureName(*arch), ami_id, image->architecture)});
      }
    }
    if (!errors.empty()) return errors;

    // The marketplace's copies: us-east-1 first, then every region of the product.
    std::string code = IndexOf(*target).product_code;
    Image ingest = CreateMarketplaceCopy(*image, kIngestRegion, code, NewImageId(), ctx.now());
    std::string marketplace_ami = ingest.image_id;
    ctx.AddImage(ingest);
    for (const auto& region : product::Strings(product::ArrayOf(product::ObjectOf(doc, "RegionAvailability"), "Regions"))) {
      delivery::CopyToRegion(ctx, ingest, region, code);
    }

    // The version, in DescribeEntity's shape.
    auto arch = instance_types::ParseArchitecture(image->architecture);
    bj::array compatible;
    for (const auto& t : product::Strings(product::ArrayOf(product::ObjectOf(doc, "Compatibility"), "AvailableInstanceTypes"))) {
      if (!arch || instance_types::ArchitectureOf(t) == arch) compatible.emplace_back(t);
    }
    std::string source_id = ids::NewUuid();
    bj::object os{{"Name", source_in.at("OperatingSystemName")},
                  {"Version", source_in.at("OperatingSystemVersion")},
                  {"Username", source_in.at("UserName")},
                  {"ScanningPort", source_in.contains("ScanningPort") ? source_in.at("ScanningPort") : bj::value(22)}};
    bj::object source{{"Id", source_id},
                      {"Type", "AmazonMachineImage"},
                      {"Image", marketplace_ami},
                      {"Architecture", image->architecture},
                      {"VirtualizationType", image->virtualization_type},
                      {"Compatibility", bj::object{{"AvailableInstanceTypes", std::move(compatible)},
                                                   {"RestrictedInstanceTypes", bj::array()}}},
                      {"OperatingSystem", std::move(os)}};
    auto& versions = product::ArrayIn(doc, "Versions");
    bj::object option{{"Id", ids::NewUuid()},
                      {"Type", "AmazonMachineImage"},
                      {"SourceId", source_id},
                      {"Title", nullptr},
                      {"ShortDescription", nullptr},
                      {"LongDescription", nullptr},
                      {"Visibility", "Public"},
                      {"Instructions", bj::object{{"Usage", nullptr}, {"Access", nullptr}}},
                      {"Recommendations", bj::object{{"InstanceType", nullptr}, {"SecurityGroups", bj::array()}}},
                      {"AmiAlias", fmt::format("/aws/service/marketplace/{}/{}", target->id, title)}};
    delivery::ApplyAmiDetails(ami, option);
    versions.push_back(bj::object{{"Id", ids::NewUuid()},
                                  {"ReleaseNotes", version_in.at("ReleaseNotes")},
                                  {"UpgradeInstructions", nullptr},
                                  {"VersionTitle", title},
                                  {"CreationDate", FormatIso8601Millis(ctx.now())},
                                  {"Sources", bj::array{std::move(source)}},
                                  {"DeliveryOptions", bj::array{std::move(option)}}});
    target->details = std::move(doc);

    // AWS's sample adds the instance types in the same set, possibly after this change.
    std::string product_id = target->id;
    std::string recommended = Str(ami, "RecommendedInstanceType");
    ctx.Defer([&ctx, product_id, recommended]() -> std::vector<ErrorDetail> {
      Entity* p = ctx.FindEntity(product_id);
      if (p == nullptr) return {};
      const auto& available = product::ArrayOf(product::ObjectOf(p->details, "Compatibility"), "AvailableInstanceTypes");
      if (product::Contains(available, recommended)) return {};
      return {{"RECOMMENDED_INSTANCE_TYPE_NOT_AVAILABLE",
               fmt::format("RecommendedInstanceType: {} is not one of the product's instance types; "
                           "add it with AddInstanceTypes", recommended)}};
    });
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    const auto* v = details.is_object() ? details.get_object().if_contains("Version") : nullptr;
    const auto* t = v && v->is_object() ? v->get_object().if_contains("VersionTitle") : nullptr;
    return t && t->is_string() ? fmt::format("Add version {}", std::string_view(t->get_string()))
                               : "Add a version";
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeAddDeliveryOptions() {
  return std::make_unique<AddDeliveryOptions>();
}

}  // namespace amiplace
